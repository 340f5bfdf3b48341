"""Run every benchmark and print its figures."""

from __future__ import annotations

from bench import bench_intake


def main() -> None:
    bench_intake.main()


if __name__ == "__main__":
    main()
