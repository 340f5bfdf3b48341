"""What `dfr` says when telling people fails after something was recorded: what was recorded,
then a warning, exit 0 — never "nothing was changed"."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from sqlmodel import select

import flows.start
import services.describe
from checklists.loader import registry
from dfr.settings import get_settings
from models.db import engine_for, session_scope
from models.notification import Notification
from models.review import Decision
from models.submission import Submission
from services.announce import queue_notifications
from tests.test_cli import (
    EXAMPLES,
    counts,
    decide_command,
    dfr,
    digital_leader,
    example_submission,
    submitter_of,
)

EXAMPLE = "01-policy-no-digital-service.yaml"


def decide_args() -> list[str]:
    """The example's Digital Leader approves its digital-options review."""
    leader = digital_leader(example_submission(EXAMPLE)["dg"])
    return decide_command(
        "1", "digital_options_review", "approve", "Digital by default already", leader
    )


def decisions(url: str) -> list[tuple[str, str]]:
    with session_scope(engine_for(url)) as session:
        return [(d.stage, d.outcome) for d in session.exec(select(Decision)).all()]


@pytest.fixture
def follow_up_broken(monkeypatch, tmp_path):
    """Starting the flows fails (a Prefect server down, say) after the command has committed."""
    monkeypatch.setenv("DFR_VAR_DIR", str(tmp_path / "var"))

    def broken(*_args, **_kwargs):
        raise ConnectionError("prefect server unreachable: token=s3cret")

    monkeypatch.setattr(flows.start, "after_commit", broken)
    return tmp_path / "var" / "dfr.log"


def test_a_decision_is_reported_as_recorded_when_telling_people_fails(
    submitted, capsys, follow_up_broken
):
    code, out, err = dfr(capsys, *decide_args())
    assert code == 0, err
    assert decisions(submitted) == [("digital_options_review", "approve")]
    assert "Recorded: Digital-options review: approve, by " in out
    assert "Submission is now" in out
    assert "Warning: telling people could not be started now (id " in err
    assert "it will be retried" in err
    assert "Nothing was changed" not in out + err and "Internal error" not in out + err
    assert "s3cret" not in out + err  # the cause goes to the log, with the id
    incident = err.split("(id ")[1].split(")")[0]
    assert incident in follow_up_broken.read_text() and "s3cret" in follow_up_broken.read_text()


def test_a_withdrawal_is_reported_when_telling_people_fails(submitted, capsys, follow_up_broken):
    code, out, err = dfr(capsys, "withdraw", "1", "--as", submitter_of(EXAMPLE))
    assert code == 0, err
    assert "Withdrawn: DFR-00001." in out
    assert "telling people could not be started now" in err
    with session_scope(engine_for(submitted)) as session:
        assert session.get(Submission, 1).state == "withdrawn"


def test_a_submission_is_reported_when_telling_people_fails_after_storing_it(
    initialised, capsys, follow_up_broken
):
    code, out, err = dfr(capsys, "submit", str(EXAMPLES / EXAMPLE))
    assert code == 0, err
    assert "Submitted DFR-00001" in out and "Route:" in out
    assert "telling people could not be started now" in err
    assert "Nothing was changed" not in out + err
    assert counts(initialised)[0] == 1


def test_a_submission_that_fails_before_it_is_stored_is_an_internal_error_that_changed_nothing(
    initialised, capsys, monkeypatch, tmp_path
):
    monkeypatch.setenv("DFR_VAR_DIR", str(tmp_path / "var"))

    def fails(*_args, **_kwargs):
        raise ConnectionError("no flow ran")

    import services.submit

    monkeypatch.setattr(services.submit, "submit", fails)
    before = counts(initialised)
    code, out, err = dfr(capsys, "submit", str(EXAMPLES / EXAMPLE))
    assert code == 70
    assert "Internal error (id " in err and "Nothing was changed" in err
    assert "Submitted" not in out
    assert counts(initialised) == before


def test_a_misconfigured_follow_up_is_named_after_the_decision_is_recorded(
    submitted, capsys, monkeypatch, tmp_path
):
    """DFR_FLOW_MODE=deployments without a Prefect server: the decision stands, and the
    warning says what to fix."""
    monkeypatch.setenv("DFR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DFR_FLOW_MODE", "deployments")
    monkeypatch.setenv("DFR_AUDIT_KEY", "a-production-key")  # production needs one
    code, out, err = dfr(capsys, *decide_args())
    assert code == 0, err
    assert "Recorded:" in out
    assert "telling people could not be started now" in err
    assert "PREFECT_API_URL" in err or "dfr deploy" in err
    assert decisions(submitted) == [("digital_options_review", "approve")]


def test_an_internal_error_after_a_commit_does_not_say_nothing_was_changed(
    submitted, capsys, monkeypatch, tmp_path
):

    def broken(*_args, **_kwargs):
        raise RuntimeError("rendering exploded")

    monkeypatch.setenv("DFR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setattr(services.describe, "describe", broken)
    code, _out, err = dfr(capsys, *decide_args())
    assert code == 70
    assert "Internal error (id " in err and "Some changes may have been saved" in err
    assert "Nothing was changed" not in err
    assert decisions(submitted) == [("digital_options_review", "approve")]


def test_submit_says_how_telling_people_went_and_slack_errors_stay_off_the_screen(
    initialised, capsys, monkeypatch, tmp_path
):
    with socket.socket() as probe:  # a port nothing listens on: Slack cannot be reached
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    for key, value in {
        "DFR_SLACK_TOKEN": "xoxb-test",
        "DFR_SLACK_API_URL": f"http://127.0.0.1:{closed}/api/",
        "DFR_NOTIFY_BACKOFF_SECONDS": "0.01",
        "DFR_NOTIFY_MAX_ATTEMPTS": "2",
        "DFR_OUTBOX_DIR": str(tmp_path / "outbox"),
    }.items():
        monkeypatch.setenv(key, value)
    # A process of its own: what reaches the terminal, whichever handler writes it.
    ran = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dfr.cli.main import run; run()",
            "submit",
            str(EXAMPLES / EXAMPLE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    out, err = ran.stdout, ran.stderr
    assert ran.returncode == 0, err
    assert "Notifications:" in out  # said, in its own words
    assert "Failed to send a request to Slack" not in out + err  # the library's own line
    assert "Traceback" not in out + err


def test_a_decision_recorded_while_telling_people_fails_has_its_messages_queued_with_it(
    submitted, capsys, follow_up_broken
):
    """The submitter's message about the decision is stored with the decision, so a follow-up
    that cannot start loses nothing; the one that runs later queues nothing twice."""
    code, _out, err = dfr(capsys, *decide_args())
    assert code == 0, err
    with session_scope(engine_for(submitted)) as session:
        told = session.exec(
            select(Notification.recipient_id, Notification.status).where(
                Notification.message == "decision_recorded"
            )
        ).all()
        assert (submitter_of(EXAMPLE), "pending") in told
        assert queue_notifications(session, [1], registry(), get_settings()) == 0
