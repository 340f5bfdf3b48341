"""An A/B benchmark in one process: the two take turns, round by round (A first in even
rounds, B first in odd ones), so that the machine's drift falls on both alike; what each
round measures is compared as medians, B as a ratio of A."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence

Figures = tuple[float, ...]


def interleaved(
    rounds: int, run_a: Callable[[], Figures], run_b: Callable[[], Figures]
) -> tuple[list[Figures], list[Figures]]:
    """Each round's figures of A and of B."""
    figures: dict[str, list[Figures]] = {"A": [], "B": []}
    runs = {"A": run_a, "B": run_b}
    for number in range(rounds):
        for mode in "AB" if number % 2 == 0 else "BA":
            figures[mode].append(runs[mode]())
    return figures["A"], figures["B"]


def print_medians(
    names: Sequence[str], a: list[Figures], b: list[Figures], a_label: str, b_label: str
) -> None:
    """A line per figure: A's median, B's, and B's as a ratio of A's."""
    for index, name in enumerate(names):
        median_a = statistics.median(f[index] for f in a)
        median_b = statistics.median(f[index] for f in b)
        print(
            f"  {name:14s} {a_label} {median_a:6.3f}  {b_label} {median_b:6.3f}  "
            f"{b_label}/{a_label} {median_b / median_a:.3f}"
        )
