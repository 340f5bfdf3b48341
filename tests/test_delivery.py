"""Notifications reach the right people, in their language, exactly once — through a fake Slack
Web API over real HTTP and a real local SMTP server, including every fault we know of."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from dfr.settings import get_settings
from harness.fakes.slack import TOKEN, Fault
from models.db import session_scope
from models.notification import Notification
from notifications.delivery import build_channels, claim, deliver_until_settled, retry_failed
from notifications.queue import queue_for_submission
from services.submit import submit
from tests.conftest import ROOT, tell, wire_notifications
from tests.factories import SERVICE, decide, load_people, make_submission, submission_data


@pytest.fixture
def wired(engine, slack, mailbox, monkeypatch, tmp_path):
    wire_notifications(
        monkeypatch,
        tmp_path,
        slack,
        mailbox,
        DFR_NOTIFY_MAX_ATTEMPTS="3",
        DFR_NOTIFY_LEASE_SECONDS="0.5",
    )
    load_people(engine)
    return engine


def rows(engine, **where):
    with session_scope(engine) as session:
        query = select(Notification)
        for key, value in where.items():
            query = query.where(getattr(Notification, key) == value)
        return session.exec(query.order_by(Notification.log_seq, Notification.id)).all()


def test_each_person_is_told_in_their_language(wired, slack, mailbox, checklist_registry):
    sid = make_submission(wired, checklist_registry, kind="procurement", buys_digital=True)
    report = tell(wired, checklist_registry, sid)
    assert report.failed == 0 and report.delivered == 5

    # The submitter (English) by Slack DM and email.
    [dm] = slack.posts_to("U0POLEST")
    assert dm["text"] == "DFR-00001 received: Test title"
    assert dm["blocks"][0]["type"] == "header"
    assert dm["metadata"]["event_type"] == "dfr_notification"
    [email] = mailbox.to("p@example.org")
    assert email["Subject"] == "DFR-00001 received: Test title"
    assert email.get_body(("plain",)).get_content().startswith("Hello Policy EST")
    html = email.get_body(("html",)).get_content()
    assert "<strong>DFR-00001: Test title</strong>" in html

    # The Digital Leader (Welsh) is assigned the digital-options review, in Welsh only.
    [assigned] = slack.posts_to("U0DLEST")
    assert assigned["text"].startswith("Angen adolygiad erbyn ")
    assert "Review needed" not in assigned["text"]
    [welsh_email] = mailbox.to("dl@example.org")
    assert welsh_email["Content-Language"] == "cy"

    # The DG's feed gets both languages, Welsh first.
    [feed] = slack.posts_to("C0EST0001")
    assert (
        feed["text"].startswith("Wedi derbyn DFR-00001") and " / DFR-00001 received" in feed["text"]
    )

    # A reviewer whose language is unknown gets both, Welsh first.
    decide(
        wired,
        checklist_registry,
        sid,
        "digital_options_review",
        "approve",
        "dl.est",
        rationale="Mae'n **iawn**. <script>alert(1)</script>",
    )
    tell(wired, checklist_registry, sid)
    [to_reviewer] = slack.posts_to("U0CMEST")
    subject = to_reviewer["text"]
    assert subject.index("Angen adolygiad") < subject.index("Review needed")
    # The submitter hears of the decision; the rationale's script is inert in the HTML.
    decided = [m for m in mailbox.to("p@example.org") if "Digital-options review" in m["Subject"]]
    assert len(decided) == 1
    html = decided[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "<strong>iawn</strong>" in html


def test_a_title_that_looks_like_markdown_reads_as_typed_and_makes_no_link(
    wired, slack, mailbox, checklist_registry
):
    """Whatever a submitter types in a title, a message the government sends shows it as typed
    (on one line): no link, emphasis, list, rule or tag of their own in the email, its HTML or
    Slack. (Slack's mrkdwn cannot escape `*`, so the Slack check leaves that part out.)"""
    from models.submission import Submission

    title = (
        "Pay *now* at [our site](https://evil.example) <b>x</b> & co_op #1\n\n- listed\n---\n"
        "1. numbered \ue0009\ue001"
    )
    one_line = (
        "Pay *now* at [our site](https://evil.example) <b>x</b> & co_op #1 - listed --- "
        "1. numbered \ue0009\ue001"
    )
    with session_scope(wired) as session:  # told once the title is changed, below
        sid = submit(session, submission_data(), checklist_registry, announce=False).submission_id
    with session_scope(wired) as session:
        submission = session.get(Submission, sid)
        submission.title_en = title
        session.add(submission)
    report = tell(wired, checklist_registry, sid)
    assert report.failed == 0

    [email] = mailbox.to("p@example.org")
    assert email["Subject"] == f"DFR-00001 received: {one_line}"
    assert one_line in email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert "evil.example</a>" not in html and 'href="https://evil.example"' not in html
    assert "<em>" not in html and "<b>" not in html and "<hr" not in html
    assert "<li>listed" not in html and "<li>numbered" not in html
    assert (
        "Pay *now* at [our site](https://evil.example) &lt;b&gt;x&lt;/b&gt; &amp; co_op #1 - "
        "listed --- 1. numbered"
    ) in html

    [dm] = slack.posts_to("U0POLEST")
    assert dm["text"] == f"DFR-00001 received: {one_line}"
    section = dm["blocks"][1]["text"]["text"]
    assert "<https://evil.example|" not in section
    assert (
        "[our site](https://evil.example) &lt;b&gt;x&lt;/b&gt; &amp; co_op #1 - listed" in section
    )


def test_running_again_sends_nothing_twice(wired, slack, mailbox, checklist_registry):
    sid = make_submission(wired, checklist_registry)
    decide(wired, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    first = tell(wired, checklist_registry, sid)
    counts = (len(slack.messages), len(mailbox.messages), len(rows(wired)))
    second = tell(wired, checklist_registry, sid)
    third = tell(wired, checklist_registry, sid)
    assert first.delivered > 0 and second.delivered == third.delivered == 0
    assert (len(slack.messages), len(mailbox.messages), len(rows(wired))) == counts
    assert all(r.status == "delivered" for r in rows(wired))


def test_invalid_auth_fails_slack_rows_with_the_reason_and_retry_resends(
    wired, slack, mailbox, checklist_registry, monkeypatch
):
    monkeypatch.setenv("DFR_SLACK_TOKEN", "xoxb-wrong")
    get_settings.cache_clear()
    sid = make_submission(wired, checklist_registry)
    report = tell(wired, checklist_registry, sid)
    failed = rows(wired, status="failed")
    assert report.failed == len(failed) == 3  # submitter DM, leader DM, DG feed
    assert all("invalid_auth" in r.last_error and r.attempts == 1 for r in failed)
    assert len(mailbox.messages) == 2 and slack.messages == []

    monkeypatch.setenv("DFR_SLACK_TOKEN", TOKEN)
    get_settings.cache_clear()
    with session_scope(wired) as session:
        assert retry_failed(session) == 3
    assert tell(wired, checklist_registry, sid).delivered == 3
    assert len(slack.messages) == 3 and len(mailbox.messages) == 2


def test_unknown_channel_fails_only_that_row(wired, slack, checklist_registry):
    slack.channels.clear()
    sid = make_submission(wired, checklist_registry)
    tell(wired, checklist_registry, sid)
    [failed] = rows(wired, status="failed")
    assert failed.channel == "slack_channel" and "channel_not_found" in failed.last_error
    assert len(rows(wired, status="delivered")) == 4


def test_rate_limit_honours_retry_after_and_delivers_once(wired, slack, checklist_registry):
    slack.faults.append(Fault(status=429, error="ratelimited", retry_after=1))
    sid = make_submission(wired, checklist_registry)
    started = time.monotonic()
    report = tell(wired, checklist_registry, sid)
    assert time.monotonic() - started >= 0.9  # waited as Slack asked
    assert report.failed == 0 and report.deferred == 1
    posted = [c for c in slack.calls if c[0] == "chat.postMessage"]
    assert len(posted) == 4 and len(slack.messages) == 3  # one refused attempt, then each once
    retried = [r for r in rows(wired) if r.attempts == 2]
    assert len(retried) == 1 and retried[0].status == "delivered"


def test_server_errors_back_off_then_deliver(wired, slack, checklist_registry):
    slack.faults.extend([Fault(status=500), Fault(status=503, error="service_unavailable")])
    sid = make_submission(wired, checklist_registry)
    report = tell(wired, checklist_registry, sid)
    assert report.failed == 0 and len(slack.messages) == 3
    slack_rows = [r for r in rows(wired) if r.channel.startswith("slack")]
    assert sorted(r.attempts for r in slack_rows) == [1, 2, 2]  # each failed once, then went


def test_persistent_server_errors_end_failed_with_the_reason(wired, slack, checklist_registry):
    slack.faults.extend([Fault(status=500)] * 9)
    sid = make_submission(wired, checklist_registry)
    report = tell(wired, checklist_registry, sid)
    failed = rows(wired, status="failed")
    assert report.failed == 3 and len(failed) == 3
    assert all(r.attempts == 3 and "gave up after 3 attempts" in r.last_error for r in failed)


def test_refused_email_recipient_is_failed_with_the_reason(
    wired, mailbox, slack, checklist_registry
):
    mailbox.refuse.add("dl@example.org")
    sid = make_submission(wired, checklist_registry)
    tell(wired, checklist_registry, sid)
    [failed] = rows(wired, status="failed")
    assert failed.channel == "email" and "refused the recipient" in failed.last_error
    assert slack.posts_to("U0DLEST")  # the Slack message still went


def test_email_interrupted_mid_send_is_failed_not_duplicated(wired, mailbox, checklist_registry):
    sid = make_submission(wired, checklist_registry)
    settings = get_settings()
    with session_scope(wired) as session:
        queue_for_submission(session, sid, checklist_registry, settings)
    [row] = rows(wired, channel="email", recipient_id="policy.est")
    # A sender claims the row and dies: we do not know whether the server accepted it.
    assert claim(wired, row.id, datetime.now(UTC), lease=0.2) is not None
    time.sleep(0.3)
    deliver_until_settled(wired, build_channels(settings), settings, sid)
    [after] = rows(wired, id=row.id)
    assert after.status == "failed" and "cannot confirm delivery" in after.last_error
    assert mailbox.to("p@example.org") == []


KILLED_SENDER = """
import sys
from dfr.settings import get_settings
from models.db import default_engine
from notifications.delivery import build_channels, deliver_due
settings = get_settings()
deliver_due(default_engine(), build_channels(settings), settings, int(sys.argv[1]))
"""


def test_sender_killed_after_slack_has_the_message_delivers_exactly_once(
    wired, slack, mailbox, checklist_registry
):
    sid = make_submission(wired, checklist_registry)
    with session_scope(wired) as session:
        queue_for_submission(session, sid, checklist_registry, get_settings())
    slack.hold_seconds = 30  # Slack stores the message, then the answer never comes back
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sender = subprocess.Popen([sys.executable, "-c", KILLED_SENDER, str(sid)], env=env, cwd=ROOT)
    try:
        assert slack.received.wait(60), "the sender never reached Slack"
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    finally:
        if sender.poll() is None:
            sender.kill()
    slack.hold_seconds = 0
    stuck = rows(wired, status="sending")
    assert len(stuck) == 1 and stuck[0].channel.startswith("slack")
    time.sleep(0.6)  # the claim's lease runs out
    settings = get_settings()
    report = deliver_until_settled(wired, build_channels(settings), settings, sid)
    assert report.reconciled == 1
    assert all(r.status == "delivered" for r in rows(wired))
    assert len(slack.messages) == 3  # every Slack message exactly once
    assert len(mailbox.messages) == 2


def test_reconciled_slack_message_that_never_arrived_is_sent_again(
    wired, slack, checklist_registry
):
    sid = make_submission(wired, checklist_registry)
    settings = get_settings()
    with session_scope(wired) as session:
        queue_for_submission(session, sid, checklist_registry, settings)
    [row] = rows(wired, channel="slack_dm", recipient_id="policy.est")
    assert claim(wired, row.id, datetime.now(UTC) - timedelta(seconds=1), lease=0.1) is not None
    deliver_until_settled(wired, build_channels(settings), settings, sid)
    assert len(slack.posts_to("U0POLEST")) == 1
    assert rows(wired, id=row.id)[0].status == "delivered"


def test_the_reviewer_is_told_what_to_look_closely_at(wired, slack, mailbox, checklist_registry):
    """The flags reach the person who must act on them, not only the submitter and the digest."""
    sid = make_submission(wired, checklist_registry, wet_ink_signature=True)
    tell(wired, checklist_registry, sid)
    [assigned] = mailbox.to("dl@example.org")  # the Digital Leader reads Welsh
    text = assigned.get_body(("plain",)).get_content()
    assert "Edrychwch yn fanwl ar:" in text
    assert "Mae'r broses yn gofyn am lofnod inc gwlyb neu ffurflenni papur" in text
    assert "wet-ink signature" not in text


def test_the_reviewer_reads_the_risk_rating_and_the_panel_the_service_needs(
    wired, slack, mailbox, checklist_registry
):
    """An initiative for 18,000 people and 120,000 transactions a year: medium risk, and a
    panel led by the Centre of Excellence, in the reviewer's message (Welsh) and the
    submitter's (English)."""
    sid = make_submission(
        wired,
        checklist_registry,
        **SERVICE,
        service_users_per_year=18000,
        transactions_per_year=120000,
    )
    tell(wired, checklist_registry, sid)
    [assigned] = mailbox.to("dl@example.org")
    text = assigned.get_body(("plain",)).get_content()
    assert "Sgôr risg: **canolig**" in text
    assert "Mwy na 100,000 o drafodion y flwyddyn" in text
    assert "Risk rating" not in text and "medium" not in text
    [received] = mailbox.to("p@example.org")
    text = received.get_body(("plain",)).get_content()
    assert "Risk rating: **medium**" in text
    assert "the service assessment panel is led by the Digital Centre of Excellence" in text


def test_a_slack_timeout_after_slack_posted_is_reconciled_not_sent_twice(
    wired, slack, mailbox, checklist_registry, monkeypatch
):
    """Slack stores the message, then answers too late: the sender asks Slack for the message
    by its metadata before trying again, finds it, and records it delivered."""
    monkeypatch.setenv("DFR_SLACK_TIMEOUT_SECONDS", "0.5")
    get_settings.cache_clear()
    sid = make_submission(wired, checklist_registry)
    # Far longer than the timeout: on a loaded machine a client descheduled for a second or
    # two would otherwise find the late answer waiting and never time out. The test does not
    # wait for it (the fake's threads are daemons).
    slack.hold_seconds = 8
    report = tell(wired, checklist_registry, sid)
    slack.hold_seconds = 0
    slack_rows = [r for r in rows(wired) if r.channel.startswith("slack")]
    assert slack_rows and all(r.status == "delivered" for r in slack_rows)
    assert {r.provider_ref for r in slack_rows} == {"confirmed after a timeout"}
    assert len(slack.messages) == len(slack_rows)  # each exactly once
    assert report.delivered == len(rows(wired))


def test_a_slack_timeout_before_slack_posted_is_sent_again(
    wired, slack, mailbox, checklist_registry, monkeypatch
):
    """The request timed out and Slack does not have the message: it is sent again, once."""
    monkeypatch.setenv("DFR_SLACK_TIMEOUT_SECONDS", "0.5")
    get_settings.cache_clear()
    sid = make_submission(wired, checklist_registry)
    slack.faults.append(Fault(status=500, hold_seconds=2))  # stores nothing, answers late
    tell(wired, checklist_registry, sid)
    slack_rows = [r for r in rows(wired) if r.channel.startswith("slack")]
    assert all(r.status == "delivered" for r in slack_rows)
    assert len(slack.messages) == len(slack_rows)  # each exactly once
    assert sum(r.attempts for r in slack_rows) == len(slack_rows) + 1  # one was sent again


def test_notification_ids_are_version_7_uuids_that_sort_in_the_order_they_were_made():
    """A later id sorts after an earlier one (new rows go at the end of the primary key's
    index, and the outbox lists in order), and ids made in the same millisecond still differ."""
    from uuid import UUID

    from models.notification import new_notification_id

    start = 1_796_000_000_000_000_000  # 2026-11-30, in nanoseconds
    made = [new_notification_id(start + step * 1_000_000) for step in range(50)]
    assert made == sorted(made)
    assert {UUID(made[0]).version, UUID(made[-1]).version} == {7}
    assert UUID(made[0]).variant == "specified in RFC 4122"
    same_moment = {new_notification_id(start) for _ in range(1000)}
    assert len(same_moment) == 1000
    assert all(len(i) == 32 and i == i.lower() for i in same_moment)
