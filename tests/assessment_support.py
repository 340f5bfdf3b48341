"""A Service Standard assessment taken through every step with the services: booked, declared,
rated, settled, the report written in both languages and sent (the pages and messages of the
whole path, for the tests that read them)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from checklists.loader import Registry
from models.db import session_scope
from models.review import ReviewTask
from services.assessment_reports import edit_report, report_view, send_report
from services.decide import StandardAssessment as Note
from services.panel_declarations import declare_interests
from services.panels import book_assessment
from services.ratings import save_ratings, settle
from services.reassign import reassign

# Example 02 is flagged for a panel led by the Digital CoE: its lead assessor is from the CoE.
COE_LEAD = "tomos.rhys"
ALPHA_PANEL = {"user_research": "lowri.price", "design": "ben.taylor",
               "technical": "aled.griffiths"}  # fmt: skip
COVERS = {"lowri.price": ["w03", "w05"], "ben.taylor": ["w02", "w04", "w05"],
          "aled.griffiths": ["w09", "w10", "w11"]}  # fmt: skip


def lead_of(engine: Engine, submission_id: int) -> str:
    with session_scope(engine, read_only=True) as session:
        lead = session.exec(
            select(ReviewTask.assignee_id).where(
                ReviewTask.submission_id == submission_id, ReviewTask.status == "open"
            )
        ).one()
    assert lead
    return lead


def assess_and_report(
    engine: Engine, registry: Registry, submission_id: int, today: date, *, send: bool = True
) -> str:
    """Take the open assessment of example 02's service through to a report sent to the team
    (or only written, without `send`); its lead."""
    lead = lead_of(engine, submission_id)
    if lead != COE_LEAD:
        with session_scope(engine) as session:
            stage = "service_assessment"
            reassign(session, submission_id, stage, COE_LEAD, "CoE-led.", "carys.llewelyn")
        lead = COE_LEAD
    booked_on = today - timedelta(weeks=6)
    with session_scope(engine) as session:
        book_assessment(session, submission_id, "carys.llewelyn", today, ALPHA_PANEL, on=booked_on)
        for person in (lead, *ALPHA_PANEL.values()):
            declare_interests(session, submission_id, person, False, on=booked_on)
        for person in ALPHA_PANEL.values():
            notes = {s: Note("green", "Da iawn. / Well done.") for s in COVERS[person]}
            save_ratings(session, submission_id, person, notes, registry, final=True, on=today)
        notes = {f"w{n:02d}": Note("green", "Da iawn.") for n in range(1, 13)}
        notes["w12"] = Note("amber", "Pedwar DPA.", "Llinell sylfaen ar gyfer costau papur.")
        settle(session, submission_id, lead, notes, "amber", "Yn barod ar gyfer beta.",
               registry, on=today)  # fmt: skip
        view = report_view(session, lead, submission_id, on=today)
        words = {
            "cy": ("Yn barod ar gyfer beta.", "Da iawn.", "Llinell sylfaen ar gyfer costau papur."),
            "en": ("Ready for beta.", "Well done.", "A baseline for paper costs."),
        }
        for language, (summary, done_well, to_explore) in words.items():
            texts = {
                s.standard_id: (done_well, to_explore if s.rating != "green" else "")
                for s in view.sections
            }
            edit_report(session, submission_id, lead, language, summary, texts, on=today)
        if send:
            send_report(session, submission_id, lead, on=today)
    return lead
