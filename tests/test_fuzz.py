"""Fuzzing with hypothesis: whatever a person or a program sends, the answer is a DfrError (a 4xx
on the web), never a crash. Four doors, each with a fixed number of examples (derandomised, so
every run tries the same inputs and a failure is reproducible):

- the submission document parser, `models.submission_file.parse_submission`: 300 examples;
- intake planning, `services.intake.plan_submission`, over a database with the example
  directory (DGs and people): 200 examples;
- the checklist condition language, `checklists.conditions` (parse, then evaluate what parses
  against any answers): 400 examples;
- the JSON API, `POST /api/submissions` on the live site: 150 examples;
- `dfr submit FILE` (the whole command, `dfr.cli.main.main`) on a SQLite file prepared by
  `dfr init`: 150 examples, each either stored (exit 0, one more submission) or refused
  (exit 2, a message, the database file byte-identical) — never exit 70, never a traceback.

Documents are either any JSON at all or an example submission with up to three parts replaced
by any JSON or taken out (for `dfr submit` also answers just outside what their questions
allow, and files giving a key twice). Each test counts the examples it ran, asserts the number
and prints it (`pytest -s` shows it): 1,200 in all, in well under a minute.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from checklists import conditions
from checklists.loader import registry
from checklists.yaml_files import read_yaml
from dfr.cli.main import main
from dfr.errors import DfrError
from dfr.settings import get_settings
from models.db import dispose_engine, engine_for, session_scope
from models.submission_file import parse_submission
from services.intake import plan_submission
from services.setup import set_up
from tests.conftest import ROOT
from tests.web_support import Browserless, Site

# Hypothesis warns when the global `random` state moves while it draws an example. These
# strategies never touch it, but in a full run other modules' background threads (a web
# server's, the Prefect harness's) may, at any moment: that is not this test's fault.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies:"
    "hypothesis.errors.HypothesisDeprecationWarning"
)

EXAMPLES = ROOT / "examples"
SUBMISSIONS = [
    json.loads(json.dumps(read_yaml(path)["submission"], default=str))  # dates as JSON has them
    for path in sorted((EXAMPLES / "submissions").glob("*.yaml"))
]


def fuzzing(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def run_counted(examples: int, check: Callable[[Any], None], strategy: Any) -> int:
    """Run `check` on `examples` generated inputs; return how many ran."""
    ran = 0

    @fuzzing(examples)
    @given(strategy)
    def one(value: Any) -> None:
        nonlocal ran
        ran += 1
        note(f"input: {value!r}"[:2000])
        check(value)

    one()
    print(f"{check.__name__}: {ran} examples")
    assert ran >= examples * 0.9  # hypothesis stops early only when it has tried everything
    return ran


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["", " ", "yes", "no", "2027-02-30", "1e999", "-0", "EST", "iwan.parry"])
)
ANY_JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)


ODD_VALUES = st.sampled_from(
    ["1e999", "NaN", "-1", "£1,000,000,000,000.01", "2027-13-01", "99999-01-01", "\x00", "🙂" * 3]
)


def _places(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a part of `value` (the whole included)."""
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _places(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _places(child, (*path, index))


@st.composite
def mutated_submissions(draw: st.DrawFn) -> Any:
    """An example submission with a few parts replaced by any JSON, or taken out."""
    document: Any = copy.deepcopy(draw(st.sampled_from(SUBMISSIONS)))
    for _change in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_places(document))))
        replacement = draw(ANY_JSON)
        if not path:
            document = replacement
            continue
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()):
            parent[path[-1]] = replacement
        elif isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent.pop(path[-1])
    return document


@st.composite
def mutated_answers(draw: st.DrawFn, values: st.SearchStrategy[Any] | None = None) -> Any:
    """An example submission with a few answers replaced by any JSON (or `values`): past the
    document's shape, into each question's own checks and the routing rules."""
    document: Any = copy.deepcopy(draw(st.sampled_from(SUBMISSIONS)))
    answered = [
        (checklist, question)
        for checklist, answers in document["answers"].items()
        for question in answers
    ]
    for _change in range(draw(st.integers(1, 3))):
        checklist, question = draw(st.sampled_from(answered))
        document["answers"][checklist][question] = draw(
            values if values is not None else (ANY_JSON | ODD_VALUES)
        )
    return document


DOCUMENTS = st.one_of(
    mutated_submissions(),
    mutated_answers(),
    ANY_JSON,
    st.builds(lambda d: {"submission": d}, mutated_submissions() | ANY_JSON),
)


def test_the_document_parser_raises_only_dfr_errors():
    def parse_document(document: Any) -> None:
        try:
            parse_submission(document)
        except DfrError as refused:
            assert refused.message

    run_counted(300, parse_document, DOCUMENTS)


@pytest.fixture(scope="module")
def example_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A SQLite database with the example DGs and people, as `dfr init` makes it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'dfr.sqlite3'}"
    set_up(url, [EXAMPLES / "directorates.yaml", EXAMPLES / "people.yaml"])
    yield engine_for(url)
    dispose_engine(url)


def test_intake_planning_raises_only_dfr_errors(example_directory: Engine):
    reg = registry()

    def plan(document: Any) -> None:
        with session_scope(example_directory, read_only=True) as session:
            try:
                plan_submission(session, document, reg, on=date(2027, 3, 1))
            except DfrError as refused:
                assert refused.message

    run_counted(200, plan, DOCUMENTS)


NAMES = st.sampled_from(["a", "b", "kind", "value", "risk", "dg"])
# (An int too long to write out is left to tests/test_conditions.py: pytest cannot show one.)
ODD_NUMBERS = st.sampled_from(
    [10**400, float("nan"), float("inf"), Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity")]
)
VALUES = st.one_of(
    SCALARS,
    ODD_NUMBERS,
    st.decimals(),
    st.dates(),
    st.sampled_from(["low", "medium", "high", "initiative", "EST"]),
    st.lists(SCALARS | ODD_NUMBERS, max_size=3),
    st.builds(lambda name: {"threshold": name}, st.text(max_size=5)),
    st.dictionaries(st.text(max_size=5), SCALARS, max_size=2),
)
COMPARISONS = st.builds(
    lambda source, name, op, value: {source: name, op: value},
    st.sampled_from(["q", "fact"]),
    NAMES | st.text(max_size=5),
    st.sampled_from(sorted(conditions.OPERATORS)) | st.text(max_size=4),
    VALUES,
)
CONDITIONS = st.recursive(
    st.one_of(COMPARISONS, COMPARISONS, COMPARISONS, ANY_JSON),
    lambda inner: st.one_of(
        st.builds(lambda parts: {"all": parts}, st.lists(inner, max_size=3)),
        st.builds(lambda parts: {"any": parts}, st.lists(inner, max_size=3)),
        st.builds(lambda part: {"not": part}, inner),
        st.dictionaries(st.sampled_from(["all", "any", "not", "q", "eq"]), inner, max_size=2),
    ),
    max_leaves=8,
)
ANSWERS = st.dictionaries(NAMES, VALUES, max_size=6)


def test_the_condition_language_refuses_or_evaluates_any_input():
    """Parsing refuses what is not a condition with a ConditionSyntaxError (a DfrError, which
    loading a checklist reports); whatever parses evaluates to true or false against any
    answers and facts."""

    def parse_then_evaluate(case: tuple[Any, dict[str, Any], dict[str, Any]]) -> None:
        raw, answers, facts = case
        try:
            condition = conditions.parse(raw)
        except conditions.ConditionSyntaxError as refused:
            assert isinstance(refused, DfrError) and refused.message
            return
        context = conditions.Context(
            answers=answers,
            facts=facts,
            on=date(2027, 3, 1),
            threshold=lambda _name, _on: Decimal("139688"),
        )
        assert conditions.evaluate(condition, context) in (True, False)

    run_counted(400, parse_then_evaluate, st.tuples(CONDITIONS, ANSWERS, ANSWERS))


@pytest.fixture(scope="module")
def api_client(site: Site) -> Iterator[Browserless]:
    client = Browserless(site)
    client.sign_in("iwan.parry")
    yield client
    client.close()


def test_the_api_answers_any_json_with_a_4xx_problem_or_a_submission(api_client: Browserless):
    def post(document: Any) -> None:
        body = json.dumps(document)  # NaN and Infinity included, as Python's json writes them
        response = api_client.client.post(
            "/api/submissions", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code < 500, response.text
        assert "Traceback" not in response.text
        if response.status_code != 201:
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["detail"]

    run_counted(150, post, DOCUMENTS)


def test_the_fuzzed_documents_include_valid_ones():
    """The examples the mutations start from are themselves valid: the fuzzing explores near
    real documents, not only far from them."""
    for document in SUBMISSIONS:
        assert parse_submission(document).kind in ("initiative", "procurement")


# Answers just outside what a question allows: a range, digits other than 0-9, an option that
# must be chosen alone, an expected date in the past, a date with a time.
BORDERLINE = st.sampled_from(
    [
        150,
        -1,
        100,
        "٩٠",
        "£٦٠٠٠٠٠",
        "\uff16\uff10\uff10",  # full-width 600
        ["none", "notify"],
        ["none"],
        "2020-01-01",
        datetime(2027, 5, 1, 10, 30),
        date(2027, 5, 1),
        "2027-W18-6",
        "Line\x1b[2J",
        "x" * 3000,
    ]
)


@st.composite
def retitled(draw: st.DrawFn) -> Any:
    """An example submission with a new title in each language: mostly a valid new submission
    (any text that is one printable line of up to 200 characters)."""
    document: Any = copy.deepcopy(draw(st.sampled_from(SUBMISSIONS)))
    words = st.text(st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=240)
    document["title"] = {"cy": draw(words | st.text(max_size=40)), "en": draw(words)}
    return document


@st.composite
def submission_files(draw: st.DrawFn) -> str:
    """The text of a submission file: a generated document as YAML, sometimes with one of its
    lines given twice (a key repeated in its mapping)."""
    document = draw(st.one_of(DOCUMENTS, mutated_answers(BORDERLINE), retitled(), retitled()))
    text = yaml.safe_dump(document, allow_unicode=True)
    lines = text.splitlines()
    keyed = [
        n for n, line in enumerate(lines) if ": " in line and not line.lstrip().startswith("-")
    ]
    if keyed and draw(st.integers(0, 4)) == 4:
        where = draw(st.sampled_from(keyed))
        lines.insert(where, lines[where])
        text = "\n".join(lines) + "\n"
    return text


@pytest.fixture(scope="module")
def prepared_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SQLite file prepared by `dfr init` (the example directory), for `dfr submit`."""
    folder = tmp_path_factory.mktemp("submit")
    path = folder / "dfr.sqlite3"
    url = f"sqlite:///{path}"
    patch = pytest.MonkeyPatch()
    patch.setenv("DFR_DATABASE_URL", url)
    patch.setenv("DFR_OUTBOX_DIR", str(folder / "outbox"))
    patch.delenv("PREFECT_API_URL", raising=False)
    get_settings.cache_clear()
    assert main(["init"]) == 0
    yield path
    dispose_engine(url)
    patch.undo()
    get_settings.cache_clear()


def _submission_count(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return int(connection.execute("SELECT count(*) FROM submission").fetchone()[0])


def _repeats_a_key(text: str) -> bool:
    """Whether some mapping in the YAML text gives a key twice (read from YAML's own node
    tree, independently of the loader `dfr` uses)."""
    try:
        nodes = [yaml.compose(text, Loader=yaml.SafeLoader)]
    except yaml.YAMLError:
        return False
    while nodes:
        node = nodes.pop()
        if isinstance(node, yaml.MappingNode):
            keys = [key.value for key, _value in node.value if isinstance(key, yaml.ScalarNode)]
            if len(keys) != len(set(keys)):
                return True
            nodes += [value for _key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            nodes += node.value
    return False


def _database_bytes(path: Path) -> tuple[bytes, ...]:
    return tuple(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_dfr_submit_stores_or_refuses_any_file_and_a_refusal_changes_nothing(
    prepared_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """150 generated submission files through `dfr submit`: exit 0 with the submission stored,
    or exit 2 with a message and the database file byte-identical; never 70, no traceback. A
    file giving a key twice is always refused, naming the lines."""
    file = tmp_path / "submission.yaml"
    outcomes: dict[int | str, int] = {0: 0, 2: 0, "repeated keys": 0}

    def submit_file(text: str) -> None:
        file.write_text(text, encoding="utf-8")
        before, stored = _database_bytes(prepared_file), _submission_count(prepared_file)
        code = main(["submit", str(file)])
        said = capsys.readouterr()
        assert code in (0, 2), said.err
        assert "Traceback" not in said.out + said.err
        outcomes[code] += 1
        if _repeats_a_key(text):  # never stored with one of the two values silently dropped
            assert code == 2 and "twice, on line" in said.err, said.out
            outcomes["repeated keys"] += 1
        if code == 0:
            if said.out.startswith("Submitted DFR-"):
                assert _submission_count(prepared_file) == stored + 1
            else:  # the same file again: idempotent on its content
                assert "was submitted from this file before; nothing new was stored" in said.out
                assert _submission_count(prepared_file) == stored
        else:
            assert said.err.startswith("Error: ") and len(said.err) > len("Error: ") + 10
            assert _database_bytes(prepared_file) == before
            assert said.out == ""

    run_counted(150, submit_file, submission_files())
    print(
        f"dfr submit: {outcomes[0]} stored, {outcomes[2]} refused "
        f"({outcomes['repeated keys']} for a key given twice)"
    )
    assert outcomes[0] > 0 and outcomes["repeated keys"] > 0  # each kind of file was tried
