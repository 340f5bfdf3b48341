"""Fuzzing with hypothesis: whatever a person or a program sends, the answer is a DfrError (a 4xx
on the web), never a crash. Four doors, each with a fixed number of examples (derandomised, so
every run tries the same inputs and a failure is reproducible):

- the submission document parser, `models.submission_file.parse_submission`: 300 examples;
- intake planning, `services.intake.plan_submission`, over a database with the example
  directory (DGs and people): 200 examples;
- the checklist condition language, `checklists.conditions` (parse, then evaluate what parses
  against any answers): 400 examples;
- the JSON API, `POST /api/submissions` on the live site: 150 examples.

Documents are either any JSON at all or an example submission with up to three parts replaced
by any JSON or taken out. Each test counts the examples it ran, asserts the number and prints
it (`pytest -s` shows it): 1,050 in all, in well under a minute.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from checklists import conditions
from checklists.loader import read_yaml, registry
from dfr.errors import DfrError
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
def mutated_answers(draw: st.DrawFn) -> Any:
    """An example submission with a few answers replaced by any JSON: past the document's
    shape, into each question's own checks and the routing rules."""
    document: Any = copy.deepcopy(draw(st.sampled_from(SUBMISSIONS)))
    answered = [
        (checklist, question)
        for checklist, answers in document["answers"].items()
        for question in answers
    ]
    for _change in range(draw(st.integers(1, 3))):
        checklist, question = draw(st.sampled_from(answered))
        document["answers"][checklist][question] = draw(ANY_JSON | ODD_VALUES)
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
