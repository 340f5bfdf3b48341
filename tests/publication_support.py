"""Reports ready to publish, for the publication tests: a report sent to the team, then
accepted by the team (`accept_for_test`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from models.db import session_scope
from models.submission import Submission
from services.assessment_reports import edit_report, report_view, send_report
from services.report_responses import accept_report

WELSH_SUMMARY = "Mae'r gwasanaeth yn barod ar gyfer beta. Diolch i Designer Two am y demo."
ENGLISH_SUMMARY = "The service is ready for beta. Thanks to Designer Two for the demo."
WELSH_NOTE = "Gwaith da ar y llwybr digidol."
ENGLISH_NOTE = "Good work on the digital route."
SECURITY_EN = "Close the admin port 8443 on the staging server."
SECURITY_CY = "Caewch borth gweinyddu 8443 ar y gweinydd profi."


def accept_for_test(engine: Engine, submission_id: int, on: date) -> None:
    """The team (the submitter) accepts the sent report, through the service."""
    with session_scope(engine) as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        report = accept_report(session, submission_id, submission.submitter_id, on=on)
        assert report.status == "accepted"


def write_and_send(engine: Engine, submission_id: int, lead: str, on: date) -> None:
    """The lead writes the report in both languages (naming a junior member of staff and a
    security detail, for the redaction tests) and sends it to the team."""
    with session_scope(engine) as session:
        view = report_view(session, lead, submission_id, on=on)
        for language, summary, note, security in (
            ("cy", WELSH_SUMMARY, WELSH_NOTE, SECURITY_CY),
            ("en", ENGLISH_SUMMARY, ENGLISH_NOTE, SECURITY_EN),
        ):
            notes = {
                s.standard_id: (
                    note,
                    security if s.standard_id == "w09" else (note if s.rating != "green" else ""),
                )
                for s in view.sections
            }
            edit_report(session, submission_id, lead, language, summary, notes, on=on)
        send_report(session, submission_id, lead, on=on)
