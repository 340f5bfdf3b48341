"""The flows under a real Prefect server (one test harness for the session): intake, advance
and deliver are idempotent, and each domain event reaches Prefect once."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from sqlmodel import col, func, select

from dfr.settings import get_settings
from flows.advance import advance
from flows.deliver import deliver
from flows.intake import intake, intake_many
from flows.remind import remind
from flows.runner import prefect_configured, run_flow
from models.audit import EventEmission, LogEntry
from models.db import session_scope
from models.notification import Notification
from models.submission import Submission
from tests.factories import decide, load_people, submission_data
from tests.test_assessment_ratings import booked  # noqa: F401 - fixture
from tests.test_assessment_reports import settled  # noqa: F401 - fixture
from tests.test_report_responses import sent  # noqa: F401 - fixture

pytestmark = pytest.mark.prefect


@pytest.fixture(scope="session")
def prefect_server():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def outbox(engine, monkeypatch, tmp_path, prefect_server):
    folder = tmp_path / "outbox"
    monkeypatch.setenv("DFR_OUTBOX_DIR", str(folder))
    get_settings.cache_clear()
    load_people(engine)
    return folder


def count(engine, model):
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def this_tests_events(engine, submission_ids) -> list:
    """The Prefect events of these submissions' log entries, found by their ids (derived from
    each entry's hash, so unique to this test's database: the server outlives it)."""
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventIDFilter

    from flows.events import event_id

    with session_scope(engine) as session:
        emitted = session.exec(
            select(LogEntry)
            .join(EventEmission, col(EventEmission.log_seq) == col(LogEntry.seq))
            .where(
                col(LogEntry.submission_id).in_(list(submission_ids)), EventEmission.event != "-"
            )
        ).all()
        ids = [event_id(entry) for entry in emitted]
    events: list = []
    with get_client(sync_client=True) as client:
        for start in range(0, len(ids), 50):  # the most one page holds: no paging needed
            group = ids[start : start + 50]
            found: list = []
            for _ in range(240):  # the server stores events asynchronously (slowly under load)
                found = client.read_events(
                    filter=EventFilter(id=EventIDFilter(id=group)), limit=50
                ).events
                if len(found) >= len(group):
                    break
                time.sleep(0.5)
            events += found
    return events


def test_flows_run_against_the_prefect_server(outbox):
    assert prefect_configured()


def test_intake_twice_with_the_same_key_stores_once(engine, outbox, checklist_registry):
    data = submission_data(kind="procurement", buys_digital=True)
    first = asyncio.run(intake(data=data, intake_key="key-1"))
    queued, emitted = count(engine, Notification), count(engine, EventEmission)
    assert queued == 2 and emitted >= 2  # submitter + assignee told; submitted + assigned events
    second = asyncio.run(intake(data=data, intake_key="key-1"))
    assert first == second
    assert count(engine, Submission) == 1
    assert (count(engine, Notification), count(engine, EventEmission)) == (queued, emitted)


def test_advance_and_deliver_twice_change_nothing_the_second_time(
    engine, outbox, checklist_registry
):
    sid = asyncio.run(intake(data=submission_data(), intake_key="key-2"))
    decide(engine, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    asyncio.run(advance(submission_id=sid))
    rows, events = count(engine, Notification), count(engine, EventEmission)
    asyncio.run(advance(submission_id=sid))
    assert (count(engine, Notification), count(engine, EventEmission)) == (rows, events)

    report = asyncio.run(deliver(submission_id=sid))
    files = sorted(outbox.iterdir())
    assert report["delivered"] == rows == len(files)
    again = run_flow(deliver, submission_id=sid)
    assert again["delivered"] == 0 and sorted(outbox.iterdir()) == files


def test_the_daily_sweep_tells_people_what_a_failed_follow_up_left_untold(
    engine, outbox, checklist_registry
):
    """A decision committed while telling people failed (the workers or the Prefect API
    down): its notifications were queued with it, but nobody has been told and Prefect has
    not heard of it; the next sweep announces it, and the submitter hears of it, once."""
    sid = asyncio.run(intake(data=submission_data(), intake_key="key-sweep"))
    decide(engine, checklist_registry, sid, "digital_options_review", "approve", "dl.est")

    def told() -> list[tuple[str | None, str]]:
        with session_scope(engine) as session:
            return list(
                session.exec(
                    select(Notification.recipient_id, Notification.status).where(
                        Notification.message == "decision_recorded",
                        Notification.submission_id == sid,
                    )
                ).all()
            )

    assert ("policy.est", "pending") in told()  # queued with the decision, not yet sent
    result = asyncio.run(remind())
    assert result["caught_up"] >= 1
    assert [status for person, status in told() if person == "policy.est"] == ["delivered"]
    again = asyncio.run(remind())
    assert again["caught_up"] == 0
    assert [status for person, status in told() if person == "policy.est"] == ["delivered"]


def test_the_daily_sweep_chases_a_late_register_return_once(engine, outbox):
    """A service owned since March 2026 with no return for May: the sweep on 15 June (May's
    was due on 12 June) reminds its owner, and delivers the message; a second sweep, nothing."""
    from datetime import UTC, datetime

    from services.register import import_services, service_by_slug
    from services.register_owners import set_owner
    from tests.register_data import services_csv

    with session_scope(engine) as session:
        import_services(session, services_csv({}), "coe.one")
        set_owner(session, "coe.one", "fishing-licence", "policy.est")
        service = service_by_slug(session, "fishing-licence")
        service.created_at = datetime(2026, 5, 1, tzinfo=UTC)
        session.add(service)
    asyncio.run(remind(today="2026-06-15"))
    with session_scope(engine) as session:
        told = session.exec(select(Notification).where(Notification.message == "return_late")).all()
    assert [(n.recipient_id, n.status) for n in told] == [("policy.est", "delivered")]
    assert told[0].subject == "Late: the May 2026 return for Fishing licence"
    asyncio.run(remind(today="2026-06-15"))
    with session_scope(engine) as session:
        again = session.exec(
            select(Notification).where(Notification.message == "return_late")
        ).all()
    assert len(again) == 1


def test_domain_events_reach_prefect_with_submission_and_dg(engine, outbox, checklist_registry):
    sid = asyncio.run(intake(data=submission_data(), intake_key="key-3"))
    events = this_tests_events(engine, [sid])
    assert sorted(e.event for e in events) == ["dfr.submission.submitted", "dfr.task.assigned"]
    event = next(e for e in events if e.event == "dfr.submission.submitted")
    assert event.resource["prefect.resource.id"] == f"dfr.submission.{sid}"
    assert event.resource["dfr.dg"] == "EST"
    assert any(r.id == "dfr.dg.EST" and r.role == "dg" for r in event.related)


def test_bulk_intake_publishes_each_log_entry_once(engine, outbox, tmp_path):
    path = tmp_path / "bulk.jsonl"
    path.write_text("".join(json.dumps(submission_data()) + "\n" for _ in range(6)))
    assert asyncio.run(intake_many(path=str(path), chunk=4)) == 6  # two chunks, two task runs
    assert count(engine, EventEmission) == count(engine, LogEntry) == 12
    with session_scope(engine) as session:
        ids = session.exec(select(Submission.id)).all()
    names = sorted(e.event for e in this_tests_events(engine, ids))
    assert names == ["dfr.submission.submitted"] * 6 + ["dfr.task.assigned"] * 6


def test_many_events_are_paced_to_the_server_and_none_is_lost(
    engine, outbox, tmp_path, monkeypatch
):
    """A bulk intake's events go in batches, never more unstored than the window allows (a
    server with in-memory messaging drops what overflows): every one arrives, related to the
    flow run that published it."""
    from flows import event_batches

    monkeypatch.setattr(event_batches, "FEW", 5)
    monkeypatch.setattr(event_batches, "BATCH", 20)
    monkeypatch.setattr(event_batches, "WINDOW", 50)
    waits: list[int] = []
    real_wait = event_batches._wait_until_stored
    monkeypatch.setattr(
        event_batches,
        "_wait_until_stored",
        lambda client, batch, **kw: waits.append(len(batch)) or real_wait(client, batch, **kw),
    )
    path = tmp_path / "bulk.jsonl"
    path.write_text("".join(json.dumps(submission_data()) + "\n" for _ in range(60)))
    assert asyncio.run(intake_many(path=str(path), chunk=25)) == 60
    assert count(engine, EventEmission) == count(engine, LogEntry) == 120
    assert len(waits) >= 3  # 120 events, 50 at most unstored: it had to wait for the server
    with session_scope(engine) as session:
        ids = session.exec(select(Submission.id)).all()
    events = this_tests_events(engine, ids)
    assert len(events) == 120
    assert len({e.id for e in events}) == 120
    assert all(any(r.role == "flow-run" for r in e.related) for e in events)
    assert all(any(r.id == "dfr.dg.EST" for r in e.related) for e in events)


def test_waiting_for_events_the_server_never_stores_gives_up_with_a_warning(
    prefect_server, monkeypatch, caplog
):
    import uuid
    from datetime import UTC, datetime

    from prefect.client.orchestration import get_client

    from flows import event_batches

    monkeypatch.setattr(event_batches, "PATIENCE", 0.5)
    never_sent = [
        {"id": str(uuid.uuid4()), "occurred": datetime.now(UTC).isoformat()} for _ in range(3)
    ]
    started = time.monotonic()
    with get_client(sync_client=True) as client, caplog.at_level("WARNING"):
        event_batches._wait_until_stored(client, never_sent)
    assert time.monotonic() - started < 10
    assert "has stored 0 of 3 events" in caplog.text


def test_dfr_serve_registers_the_scheduled_deployments(prefect_server, tmp_path):
    """`dfr serve` against the Prefect server: the deployments and their Europe/London cron
    schedules appear on the server (what `prefect deployment ls` lists)."""
    import os
    import subprocess
    import sys

    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    from tests.conftest import ROOT

    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "DFR_DATABASE_URL": f"sqlite:///{tmp_path / 'dfr.sqlite3'}",
    }
    server = subprocess.Popen(
        [sys.executable, "-c", "from dfr.cli.main import run; run()", "serve"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        found: dict[str, object] = {}
        with get_client(sync_client=True) as client:
            for _ in range(120):
                found = {d.name: d for d in client.read_deployments()}
                if {"reminder-sweep", "weekly-digest", "deliver-retries"} <= set(found):
                    break
                time.sleep(0.5)
        assert {"reminder-sweep", "weekly-digest", "deliver-retries"} <= set(found)
        sweep = found["reminder-sweep"]
        [schedule] = sweep.schedules
        assert schedule.schedule.cron == "0 7 * * 1-5"
        assert schedule.schedule.timezone == "Europe/London"
        [digest] = found["weekly-digest"].schedules
        assert digest.schedule.cron == "0 8 * * 1"
    finally:
        server.terminate()
        server.wait(30)


def test_the_daily_sweep_accepts_a_report_by_silence_once_and_tells_prefect(
    engine,
    outbox,
    checklist_registry,
    sent,  # noqa: F811 - the fixture imported above
):
    """Silence for 10 working days: the scheduled sweep records the report as accepted, tells
    the team and the panel, and Prefect hears of it; running it again does nothing again."""
    from datetime import timedelta

    from tests.test_report_responses import CLOSES

    day = (CLOSES + timedelta(days=1)).isoformat()
    asyncio.run(remind(today=day))
    with session_scope(engine) as session:
        told = session.exec(
            select(Notification.recipient_id).where(Notification.message == "report_accepted")
        ).all()
        entries = session.exec(
            select(LogEntry).where(LogEntry.event == "report.accepted_by_silence")
        ).all()
    assert "policy.est" in told and len(entries) == 1
    events = this_tests_events(engine, [sent])
    assert "dfr.report.accepted" in {e.event for e in events}
    before = (count(engine, LogEntry), count(engine, Notification))
    asyncio.run(remind(today=day))
    assert (count(engine, LogEntry), count(engine, Notification)) == before
