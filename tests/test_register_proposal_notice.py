"""The Digital CoE hears of a register proposal when the approval makes one: once, on each of
its channels, in Welsh and English (its language not known: Welsh first), with the link to
where it adds the entry or dismisses the proposal. Nobody is told of a submission that builds
no service, or that changes a service already on the register. Through a real local SMTP
server and a fake Slack Web API over real HTTP."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from models.audit import LogEntry
from models.db import session_scope
from models.notification import Notification
from services.register import save_service
from services.submit import submit
from tests.conftest import tell, wire_notifications
from tests.cross_language import Sources
from tests.factories import IN_DISCOVERY, decide, load_people, make_submission, submission_data
from tests.register_data import SERVICE

COE_MAIL = "c@example.org"  # coe.one: no language recorded, no Slack id


@pytest.fixture
def wired(engine, slack, mailbox, monkeypatch, tmp_path):
    wire_notifications(monkeypatch, tmp_path, slack, mailbox)
    load_people(engine)
    return engine


def proposals_told(engine) -> list[Notification]:
    with session_scope(engine) as session:
        return list(
            session.exec(
                select(Notification)
                .where(Notification.message == "register_proposal")
                .order_by(col(Notification.id))
            ).all()
        )


def test_the_coe_is_told_of_a_new_register_proposal_once_in_welsh_and_english(
    wired, mailbox, checklist_registry
):
    sid = make_submission(wired, checklist_registry, **IN_DISCOVERY)
    decide(wired, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    report = tell(wired, checklist_registry, sid)
    assert report.failed == 0
    [email] = [m for m in mailbox.to(COE_MAIL) if "Register proposal" in m["Subject"]]
    reference = f"DFR-{sid:05d}"
    assert email["Subject"] == (
        f"Cynnig i'r gofrestr: {reference} Teitl prawf / Register proposal: {reference} Test title"
    )
    text = email.get_body(("plain",)).get_content()
    welsh, english = text.index("Helo CoE One"), text.index("Hello CoE One")
    assert welsh < english  # both, Welsh first
    assert "wedi'i gymeradwyo, ac mae'n adeiladu gwasanaeth digidol newydd" in text
    assert "it builds a new digital service that is not on the register" in text
    html = email.get_body(("html",)).get_content()
    link = f'/register/proposals/{sid}" rel="noopener noreferrer nofollow">'
    assert f"{link}Ei ychwanegu at y gofrestr neu wrthod y cynnig</a>" in html
    assert f"{link}Add it to the register or dismiss the proposal</a>" in html
    [row] = proposals_told(wired)
    parts = row.body_markdown.split("\n---\n", 1)
    sources = Sources.load()
    assert sources.leaks_in_text(parts[0], "cy") == []
    assert sources.leaks_in_text(parts[1], "en") == []
    # The submitter and the DG's Digital Leader are not asked to settle it.
    assert [r.recipient_id for r in proposals_told(wired)] == ["coe.one"]
    # Queued and delivered again (a re-run of the follow-up): nothing twice.
    tell(wired, checklist_registry, sid)
    assert len([m for m in mailbox.to(COE_MAIL) if "Register proposal" in m["Subject"]]) == 1
    assert len(proposals_told(wired)) == 1
    with session_scope(wired) as session:
        logged = session.exec(select(LogEntry).where(LogEntry.event == "register.proposed")).all()
        assert [(e.submission_id, e.payload["slug"]) for e in logged] == [(sid, "test-title")]


def test_nobody_is_told_when_there_is_nothing_to_add_to_the_register(
    wired, mailbox, checklist_registry
):
    builds_nothing = make_submission(wired, checklist_registry)
    with session_scope(wired) as session:
        save_service(session, SERVICE, "admin.one")
        document = {**submission_data(**IN_DISCOVERY), "service": SERVICE["slug"]}
        changes = submit(session, document, checklist_registry).submission_id
    for sid in (builds_nothing, changes):
        decide(wired, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
        tell(wired, checklist_registry, sid)
    assert proposals_told(wired) == []
    assert not [m for m in mailbox.to(COE_MAIL) if "Register proposal" in m["Subject"]]
