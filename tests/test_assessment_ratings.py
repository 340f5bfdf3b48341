"""Rating an assessment: each assessor rates the standards their seat covers, saving drafts
and then sending them to the lead; a conflicted, undeclared or observing member cannot rate;
the lead sees every note side by side, saves a draft and settles the ratings by the existing
rules once every assessor has sent theirs. Refusals write nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from dfr.errors import PermissionDeniedError, TransitionError, ValidationError
from models.db import session_scope
from models.notification import Notification
from models.review import Decision, ReviewTask, StandardRating
from notifications.queue import queue_for_submission
from services.decide import StandardAssessment as Note
from services.panel_declarations import declare_interests
from services.panels import book_assessment
from services.ratings import rating_sheet, save_draft, save_ratings, settle
from tests.factories import SERVICE, decide, log_count, make_submission

TODAY = date(2027, 1, 4)
ASSESSED = TODAY + timedelta(weeks=5)  # the day the panel is booked for
PANEL = {"user_research": "ur.one", "design": "design.one", "technical": "tech.one",
         "performance": "perf.one"}  # fmt: skip
COVERS = {
    "lead.one": ["w01", "w06", "w07", "w08"],
    "ur.one": ["w03", "w05"],
    "design.one": ["w02", "w04", "w05"],
    "tech.one": ["w09", "w10", "w11"],
    "perf.one": ["w12"],
}


@pytest.fixture
def booked(people, checklist_registry) -> int:
    """A beta service booked with its panel (led by lead.one, observed by design.two); every
    assessor but perf.one has declared no conflict."""
    sid = make_submission(people, checklist_registry, **{**SERVICE, "service_phase": "beta"})
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    with session_scope(people) as session:
        task = session.exec(select(ReviewTask).where(ReviewTask.status == "open")).one()
        assert task.assignee_id == "lead.one"
        book_assessment(
            session, sid, "coe.one", TODAY + timedelta(weeks=5), PANEL, ["design.two"], on=TODAY
        )
        for person in ("lead.one", "ur.one", "design.one", "tech.one", "design.two"):
            declare_interests(session, sid, person, False, on=TODAY)
    return sid


def rate(engine, registry, sid, person, notes, *, final=True):
    with session_scope(engine) as session:
        return save_ratings(session, sid, person, notes, registry, final=final, on=TODAY)


def greens(person: str, colour: str = "green") -> dict[str, Note]:
    return {s: Note(colour, f"{person} saw good work", "") for s in COVERS[person]}


def test_an_assessor_saves_a_draft_then_sends_and_the_lead_is_told(
    people, booked, checklist_registry
):
    before = log_count(people)
    rate(people, checklist_registry, booked, "ur.one", {"w03": Note("amber")}, final=False)
    assert log_count(people) == before  # a draft is not a step
    with pytest.raises(ValidationError, match="Rate every standard you cover") as refused:
        rate(people, checklist_registry, booked, "ur.one", {"w03": Note("amber")})
    assert refused.value.field == "ratings.w05"
    rows = rate(
        people,
        checklist_registry,
        booked,
        "ur.one",
        {"w03": Note("amber", "24 interviews", "Care leavers"), "w05": Note("green")},
    )
    assert [(r.standard_id, r.rating, r.final) for r in rows] == [
        ("w03", "amber", True),
        ("w05", "green", True),
    ]
    assert log_count(people) == before + 1
    from dfr.settings import get_settings

    with session_scope(people) as session:
        queue_for_submission(session, booked, checklist_registry, get_settings())
        told = session.exec(
            select(Notification).where(Notification.message == "ratings_sent")
        ).one()
    assert told.recipient_id == "lead.one"
    assert "Researcher (user research) has sent you their ratings of 2 standards" in (
        told.body_markdown
    )


@pytest.mark.parametrize(
    ("person", "notes", "refusal", "message"),
    [
        (
            "ur.one",
            {"w09": Note("green")},
            ValidationError,
            "do not rate these standards in this assessment: 9",
        ),
        ("ur.one", {"w03": Note("purple")}, ValidationError, "Rate standard 3 red, amber or green"),
        ("design.two", {}, PermissionDeniedError, "observers do not"),
        ("perf.one", greens("perf.one"), TransitionError, "Declare your interests"),
    ],
)
def test_who_may_rate_what(people, booked, checklist_registry, person, notes, refusal, message):
    before = log_count(people)
    with pytest.raises(refusal, match=message):
        rate(people, checklist_registry, booked, person, notes)
    assert log_count(people) == before


def test_a_conflicted_assessor_cannot_rate(people, booked, checklist_registry):
    with session_scope(people) as session:
        declare_interests(session, booked, "perf.one", True, "I set up its analytics.", on=TODAY)
    with pytest.raises(PermissionDeniedError, match="declared a conflict of interests"):
        rate(people, checklist_registry, booked, "perf.one", greens("perf.one"))


def test_the_lead_sees_notes_side_by_side_drafts_and_settles(people, booked, checklist_registry):
    with session_scope(people) as session:
        declare_interests(session, booked, "perf.one", False, on=TODAY)
    for person in ("ur.one", "design.one", "tech.one"):
        rate(people, checklist_registry, booked, person, greens(person))
    with session_scope(people) as session:
        sheet = rating_sheet(session, "lead.one", booked, checklist_registry, on=TODAY)
        assert sheet.is_lead and sheet.mine is not None
        assert sheet.mine.standards == COVERS["lead.one"]
        assert sheet.waiting_for == ["Analyst"]
        assert [name for name, _r in sheet.notes["w05"]] == ["Researcher", "Designer"]
    everything = {s: Note("green") for s in [f"w{n:02d}" for n in range(1, 13)]}
    everything["w12"] = Note("amber", "Four KPIs", "A baseline for paper costs")
    with (
        pytest.raises(TransitionError, match="Waiting for ratings from: Analyst"),
        session_scope(people) as session,
    ):
        settle(session, booked, "lead.one", everything, "amber", "Mostly good.",
               checklist_registry, on=ASSESSED)  # fmt: skip
    with session_scope(people) as session:
        save_draft(session, booked, "lead.one", everything, "amber", "Draft.", on=TODAY)
    with (
        pytest.raises(PermissionDeniedError, match="Only the lead assessor"),
        session_scope(people) as session,
    ):
        save_draft(session, booked, "ur.one", everything, "amber", "Mine.", on=TODAY)
    rate(people, checklist_registry, booked, "perf.one", {"w12": Note("amber", "KPIs", "Baseline")})
    with session_scope(people) as session:
        sheet = rating_sheet(session, "lead.one", booked, checklist_registry, on=TODAY)
        assert sheet.waiting_for == [] and sheet.draft is not None
        assert sheet.draft.rationale == "Draft."
    with (
        pytest.raises(ValidationError, match="overall rating must be amber"),
        session_scope(people) as session,
    ):
        settle(session, booked, "lead.one", everything, "green", "All good.",
               checklist_registry, on=ASSESSED)  # fmt: skip
    with session_scope(people) as session:
        decision = settle(session, booked, "lead.one", everything, "amber", "Mostly good.",
                          checklist_registry, on=ASSESSED)  # fmt: skip
        assert decision.outcome == "amber"
    with session_scope(people) as session:
        stored = session.exec(select(StandardRating)).all()
        assert len(stored) == 12 and session.exec(select(Decision)).all()


def test_once_a_panel_is_booked_the_lead_cannot_decide_around_its_ratings(
    people, booked, checklist_registry
):
    """The old decision form and `dfr decide` refuse a booked assessment: its result is settled
    from the panel's ratings, and the refusal says where; nothing is written."""
    from services.decide import DecisionRequest, record_decision

    before = log_count(people)
    ratings = {f"w{n:02d}": Note("green", "Good") for n in range(1, 15)}
    request = DecisionRequest(booked, "service_assessment", "green", "All good.", "lead.one",
                              ratings=ratings)  # fmt: skip
    with session_scope(people) as session, pytest.raises(TransitionError) as refused:
        record_decision(session, request, checklist_registry, TODAY)
    assert "settled from the panel's ratings" in refused.value.message
    assert "dfr assessments settle" in refused.value.message
    assert log_count(people) == before
    with session_scope(people, read_only=True) as session:
        assert (
            session.exec(select(Decision).where(Decision.stage == "service_assessment")).all() == []
        )


def test_the_lead_is_told_how_many_standards_each_assessor_rated_in_each_language(
    people, booked, checklist_registry
):
    """The message the lead gets in Welsh and English (their language unknown, so both) for
    ratings of 1, 2 and 3 standards: English "1 standard"; Welsh "1 o'r safonau", which reads
    right for any number ("o safonau" after 1 did not)."""
    from dfr.settings import get_settings
    from models.directory import Person

    with session_scope(people) as session:
        declare_interests(session, booked, "perf.one", False, on=TODAY)
        lead = session.get(Person, "lead.one")
        assert lead is not None
        lead.language = "unknown"
    for person in ("perf.one", "ur.one", "design.one"):  # 1, 2 and 3 standards
        rate(people, checklist_registry, booked, person, greens(person))
    with session_scope(people) as session:
        queue_for_submission(session, booked, checklist_registry, get_settings())
        told = session.exec(
            select(Notification).where(Notification.message == "ratings_sent")
        ).all()
        names = {p.id: p.name for p in session.exec(select(Person)).all()}
    assert sorted(n.recipient_id for n in told) == ["lead.one"] * 3
    bodies = [n.body_markdown for n in told]
    for person, count in (("perf.one", 1), ("ur.one", 2), ("design.one", 3)):
        (body,) = [b for b in bodies if f"Mae {names[person]} (" in b]
        welsh, english = body.split("\n---\n")
        assert f"wedi anfon atoch eu sgoriau ar gyfer {count} o'r safonau, gyda" in welsh
        standards = "standard" if count == 1 else "standards"
        assert f"has sent you their ratings of {count} {standards}, with" in english


@pytest.mark.parametrize("count", [5, 10, 14])
def test_ratings_of_many_standards_read_right_in_each_language(count):
    """No seat rates more than 3 of the Welsh standard's 12 here, so a larger number is read
    from the message's templates themselves, as the queue renders them."""
    from notifications.render import render

    context = {
        "name": "Lead One", "assessor": "Tech One", "seat": "technology", "count": count,
        "reference": "DFR-00001", "title": "A service", "dg_name": "EST",
        "ratings_link": "https://dfr.example/ratings",
    }  # fmt: skip
    body = render("ratings_sent", "unknown", {"cy": context, "en": context}).body_markdown
    assert f"eu sgoriau ar gyfer {count} o'r safonau, gyda" in body
    assert f"their ratings of {count} standards, with" in body
