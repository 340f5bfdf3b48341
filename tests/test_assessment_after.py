"""After an assessment, and the rules of booking it (issue 14, items 6 and the booking gaps):

- the next assessment is not booked while the last one's amber actions are open, and the
  refusal names them by standard and says how to close them;
- a red result is reassessed on the red standards only: the panel rates only those, and the
  report's phase is "reassessment";
- a service flagged for a CoE-led panel is booked only with a lead from the Digital CoE;
- observers declare their interests too (a conflicted one takes no seat), and the ratings are
  settled only on or after the assessment day, once the lead and observers have declared.

Every refusal says what to do, in the reader's language, and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from dfr.dates import long_date
from dfr.errors import TransitionError
from dfr.i18n import set_language
from models.assessment_panel import AssessmentBooking
from models.db import session_scope
from models.review import Action, PanelMember, ReviewTask
from services.actions import confirm_done, report_done
from services.assessment_reports import report_view
from services.decide import StandardAssessment as Note
from services.directory import load_directory, parse_directory
from services.panel_declarations import declare_interests
from services.panel_view import panel_view
from services.panels import book_assessment
from services.ratings import save_ratings, seats, settle
from services.reassign import reassign
from tests.factories import SERVICE, all_green, assess, decide, log_count, make_submission

TODAY = date(2027, 1, 4)  # a Monday
HELD = TODAY + timedelta(weeks=5)
ALPHA = {"user_research": "ur.one", "design": "design.one", "technical": "tech.one"}
BETA = {**ALPHA, "performance": "perf.one"}


def at_assessment(engine, registry, **answers) -> int:
    sid = make_submission(engine, registry, **{**SERVICE, **answers})
    decide(engine, registry, sid, "digital_options_review", "approve", "dl.est")
    return sid


def open_task(engine, sid) -> ReviewTask:
    with session_scope(engine, read_only=True) as session:
        return session.exec(
            select(ReviewTask).where(ReviewTask.submission_id == sid, ReviewTask.status == "open")
        ).one()


def book(engine, sid, observers=(), actor="coe.one", panel=ALPHA):
    with session_scope(engine) as session:
        return book_assessment(session, sid, actor, HELD, panel, observers, on=TODAY)


def red_with_an_amber(engine, registry) -> int:
    """An alpha assessed red on standard 3, amber on 12: reassessed on standard 3 only."""
    sid = at_assessment(engine, registry)
    ratings = all_green(registry)
    ratings["w03"] = Note("red", "", "Research with people who struggle online.")
    ratings["w12"] = Note("amber", "", "A baseline for paper costs.")
    assess(engine, registry, sid, "red", ratings)
    return sid


def test_a_red_result_is_reassessed_on_the_red_standards_only(people, checklist_registry):
    sid = red_with_an_amber(people, checklist_registry)
    task = open_task(people, sid)
    assert (task.attempt, task.scope) == (2, ["w03"])
    with session_scope(people) as session:
        standards, found = seats(session, task, checklist_registry)
        assert standards == ["w03"]
        assert {s.person_id: s.standards for s in found if s.standards} == {"ur.one": ["w03"]}
        view = panel_view(session, _actor(session, "coe.one"), sid, on=TODAY)
        assert view.reassessing == ["3. Understand users and their needs"]
        set_language("cy")
        view = panel_view(session, _actor(session, "coe.one"), sid, on=TODAY)
        assert view.reassessing == ["3. Deall defnyddwyr a'u hanghenion"]


def test_the_next_assessment_waits_for_the_amber_actions_of_the_last(people, checklist_registry):
    sid = red_with_an_amber(people, checklist_registry)
    with session_scope(people, read_only=True) as session:
        due = session.exec(select(Action.due_date).where(Action.kind == "amber_action")).one()
    before = log_count(people)
    with pytest.raises(TransitionError) as refused:
        book(people, sid)
    message = refused.value.message
    assert "amber actions from the last one are open" in message
    # Named by its standard, with its due date (3 months after the assessment).
    assert f"12. Use data to make decisions (due {long_date(due, 'en')})" in message
    assert "marks it done on the submission page with a link to its evidence" in message
    assert log_count(people) == before
    with session_scope(people) as session:
        assert session.exec(select(AssessmentBooking)).all() == []
        action = session.exec(select(Action).where(Action.kind == "amber_action")).one()
        report_done(session, action.id or 0, "policy.est", "Baseline set.", "https://example.org/b")
    with pytest.raises(TransitionError, match=r"12\. Use data"):  # reported, not yet confirmed
        book(people, sid)
    set_language("cy")
    with pytest.raises(TransitionError, match=r"12\. Defnyddio data i wneud penderfyniadau"):
        book(people, sid)
    set_language("en")
    with session_scope(people) as session:
        confirm_done(session, action.id or 0, "lead.one")
    assert book(people, sid).assessment_date == HELD


def test_the_reassessment_report_says_reassessment(people, checklist_registry):
    sid = red_with_an_amber(people, checklist_registry)
    with session_scope(people) as session:
        action = session.exec(select(Action).where(Action.kind == "amber_action")).one()
        report_done(session, action.id or 0, "policy.est", "Done.", "https://example.org/b")
        confirm_done(session, action.id or 0, "lead.one")
    book(people, sid)
    with session_scope(people) as session:
        for person in ("lead.one", *ALPHA.values()):
            declare_interests(session, sid, person, False, on=TODAY)
        save_ratings(session, sid, "ur.one", {"w03": Note("green", "Wider research.")},
                     checklist_registry, final=True, on=HELD)  # fmt: skip
        settle(session, sid, "lead.one", {"w03": Note("green", "Wider research.")}, "green",
               "The red point is fixed.", checklist_registry, on=HELD)  # fmt: skip
        view = report_view(session, "lead.one", sid, on=HELD)
        assert view.phase == "reassessment"
        assert [s.standard_id for s in view.sections] == ["w03"]


def test_a_coe_led_service_is_booked_only_with_a_lead_from_the_digital_coe(
    people, checklist_registry
):
    sid = at_assessment(people, checklist_registry, transactions_per_year=250_000)
    assert open_task(people, sid).assignee_id == "lead.one"
    before = log_count(people)
    with pytest.raises(TransitionError) as refused:
        book(people, sid)
    assert refused.value.field == "lead"
    assert refused.value.message == (
        f"DFR-{sid:05d} is flagged for an assessment panel led by the Digital Centre of "
        "Excellence, and its lead assessor, Lead One, is not in the Digital CoE. Reassign the "
        "assessment to a lead assessor from the Digital CoE, then book it."
    )
    set_language("cy")
    with pytest.raises(TransitionError, match="Ganolfan Ragoriaeth Ddigidol"):
        book(people, sid)
    set_language("en")
    assert log_count(people) == before
    with session_scope(people) as session:
        assert session.exec(select(AssessmentBooking)).all() == []
    _coe_lead(people)
    with session_scope(people) as session:
        reassign(session, sid, "service_assessment", "coe.lead", "A CoE-led panel.", "coe.one")
    assert book(people, sid).assessment_date == HELD


def test_an_unflagged_service_may_have_any_lead(people, checklist_registry):
    sid = at_assessment(people, checklist_registry)  # 20,000 transactions a year
    assert book(people, sid).assessment_date == HELD


def test_observers_declare_and_a_conflicted_one_takes_no_seat(people, checklist_registry):
    sid = at_assessment(people, checklist_registry)
    book(people, sid, observers=["design.two", "perf.one"])
    with session_scope(people) as session:
        declare_interests(session, sid, "design.two", False, on=TODAY)
        declare_interests(session, sid, "perf.one", True, "I built its dashboards.", on=TODAY)
    with session_scope(people, read_only=True) as session:
        observers = session.exec(
            select(PanelMember.person_id).where(PanelMember.panel_role == "observer")
        ).all()
    assert observers == ["design.two"]


def _rated(engine, registry, sid) -> dict[str, Note]:
    """Every assessor declared and sent their ratings; the lead's settled ratings."""
    with session_scope(engine) as session:
        for person in ALPHA.values():
            declare_interests(session, sid, person, False, on=TODAY)
        covers = {"ur.one": ["w03", "w05"], "design.one": ["w02", "w04", "w05"],
                  "tech.one": ["w09", "w10", "w11"]}  # fmt: skip
        for person, standards in covers.items():
            notes = {s: Note("green", "Good.") for s in standards}
            save_ratings(session, sid, person, notes, registry, final=True, on=TODAY)
    return {s: Note("green") for s in all_green(registry)}


@pytest.mark.parametrize(
    ("on", "declared", "message"),
    [
        (HELD - timedelta(days=1), ["lead.one", "design.two"],
         "The assessment is booked for 8 February 2027: settle its ratings on or after that day"),
        (HELD, ["design.two"],
         "The lead assessor, Lead One, has not declared their interests for this assessment"),
        (HELD, ["lead.one"],
         "Observers declare their interests before the assessment too; waiting for: Designer Two"),
    ],
)  # fmt: skip
def test_settling_waits_for_the_day_and_the_declarations(
    people, checklist_registry, on, declared, message
):
    sid = at_assessment(people, checklist_registry)
    book(people, sid, observers=["design.two"])
    everything = _rated(people, checklist_registry, sid)
    with session_scope(people) as session:
        for person in declared:
            declare_interests(session, sid, person, False, on=TODAY)
    before = log_count(people)
    with pytest.raises(TransitionError, match=message), session_scope(people) as session:
        settle(session, sid, "lead.one", everything, "green", "Good.", checklist_registry, on=on)
    assert log_count(people) == before
    assert open_task(people, sid).status == "open"


def test_the_day_refusal_is_in_welsh_for_a_welsh_reader(people, checklist_registry):
    sid = at_assessment(people, checklist_registry)
    book(people, sid)
    everything = _rated(people, checklist_registry, sid)
    set_language("cy")
    with pytest.raises(TransitionError, match="8 Chwefror 2027"), session_scope(people) as s:
        settle(s, sid, "lead.one", everything, "green", "Da.", checklist_registry, on=TODAY)


def _actor(session, person_id):
    from services.panel_view import load_visitor

    return load_visitor(session, person_id)


def _coe_lead(engine) -> None:
    """A lead assessor who is in the Digital CoE."""
    person = {
        "id": "coe.lead",
        "name": "CoE Lead",
        "email": "cl@example.org",
        "roles": [{"role": "coe"}, {"role": "lead_assessor"}],
    }
    with session_scope(engine) as session:
        load_directory(session, parse_directory({"people": [person]}))


def test_an_amber_standard_says_what_to_explore_and_its_action_is_in_both_languages(
    people, checklist_registry
):
    from dfr.errors import ValidationError
    from services.assessment_reports import edit_report, send_report

    sid = at_assessment(people, checklist_registry)
    book(people, sid)
    everything = _rated(people, checklist_registry, sid)
    with session_scope(people) as session:
        declare_interests(session, sid, "lead.one", False, on=TODAY)
    everything["w12"] = Note("amber", "Four KPIs.")
    before = log_count(people)
    with pytest.raises(ValidationError) as refused, session_scope(people) as session:
        settle(session, sid, "lead.one", everything, "amber", "Good.", checklist_registry, on=HELD)
    assert refused.value.field == "ratings.w12"
    assert refused.value.message == (
        "Say what the team needs to explore for standard 12: for an amber standard it becomes "
        "the team's amber action, due in 3 months."
    )
    assert log_count(people) == before
    everything["w12"] = Note("amber", "Four KPIs.", "A baseline for paper costs.")
    with session_scope(people) as session:
        settle(session, sid, "lead.one", everything, "amber", "Good.", checklist_registry, on=HELD)
        for language, words in (("en", "A baseline for paper costs."),
                                ("cy", "Llinell sylfaen ar gyfer costau papur.")):  # fmt: skip
            notes = {"w12": ("Pedwar DPA." if language == "cy" else "Four KPIs.", words)}
            edit_report(session, sid, "lead.one", language, "Da. / Good.", notes, on=HELD)
        send_report(session, sid, "lead.one", on=HELD)
    with session_scope(people, read_only=True) as session:
        action = session.exec(select(Action).where(Action.kind == "amber_action")).one()
    assert action.text_in("en") == "A baseline for paper costs."
    assert action.text_in("cy") == "Llinell sylfaen ar gyfer costau papur."


def test_another_submission_for_the_same_service_waits_for_its_amber_actions(
    people, checklist_registry
):
    from services.register import import_services
    from services.service_links import link_submission
    from tests.register_data import services_csv

    with session_scope(people) as session:
        import_services(session, services_csv({}, {"slug": "blue-badge", "dg": "EST"}), "coe.one")
    first = at_assessment(people, checklist_registry)  # its alpha: amber on standard 12
    ratings = all_green(checklist_registry)
    ratings["w12"] = Note("amber", "", "A baseline for paper costs.")
    assess(people, checklist_registry, first, "amber", ratings)
    second = at_assessment(people, checklist_registry, service_phase="beta")
    assert book(people, second, panel=BETA).assessment_date == HELD  # not linked: no wait
    third = at_assessment(people, checklist_registry, service_phase="beta")
    with session_scope(people) as session:
        for sid in (first, third):
            link_submission(session, "coe.one", sid, "blue-badge")
    before = log_count(people)
    with pytest.raises(TransitionError) as refused:
        book(people, third, panel=BETA)
    assert f"12. Use data to make decisions (from DFR-{first:05d}, due " in refused.value.message
    assert log_count(people) == before
    with session_scope(people) as session:
        action = session.exec(select(Action).where(Action.submission_id == first)).one()
        report_done(session, action.id or 0, "policy.est", "Done.", "https://example.org/b")
        confirm_done(session, action.id or 0, "lead.one")
    assert book(people, third, panel=BETA).assessment_date == HELD
