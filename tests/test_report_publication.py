"""Publishing an accepted assessment report: the lead previews exactly what the public will
see, withholds names of junior staff and security detail, and publishes; only an accepted
report is published; the publication is immutable (a correction is a new version, the old
hash stays in the log); withdrawing leaves a notice. Refusals write nothing."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import gettext
from models.audit import LogEntry
from models.db import session_scope
from models.published_report import WITHHELD, PublishedReport, PublishedReportVersion, content_hash
from services.report_corrections import correct_report, withdraw_report
from services.report_finder import ReportFilters, find_reports, public_report, report_records
from services.report_publication import publication_view, publish_report
from tests.factories import log_count
from tests.publication_support import SECURITY_EN, accept_for_test, write_and_send
from tests.test_assessment_ratings import booked  # noqa: F401 - fixture
from tests.test_assessment_reports import ASSESSED, settled  # noqa: F401 - fixture

REDACT = ["Designer Two", "8443"]


@pytest.fixture
def sent(people, settled) -> int:  # noqa: F811 - the fixture above
    write_and_send(people, settled, "lead.one", ASSESSED)
    return settled


@pytest.fixture
def accepted(people, sent) -> int:
    accept_for_test(people, sent, ASSESSED)
    return sent


def _published_rows(engine) -> int:
    with session_scope(engine, read_only=True) as session:
        return len(session.exec(select(PublishedReport.id)).all())


def _publish(engine, sid, person="lead.one", redactions=REDACT, **kwargs):
    with session_scope(engine) as session:
        return publish_report(session, sid, person, redactions, on=ASSESSED, **kwargs).slug


def test_a_report_the_team_has_not_accepted_is_not_published(people, sent):
    before = log_count(people)
    with pytest.raises(TransitionError, match="The team has not accepted the report yet"):
        _publish(people, sent)
    assert log_count(people) == before and _published_rows(people) == 0


def test_the_preview_names_the_lead_the_panel_by_role_and_suggests_names_to_withhold(
    people, accepted
):
    with session_scope(people, read_only=True) as session:
        view = publication_view(session, "lead.one", accepted, on=ASSESSED)
    assert view.refusal is None
    assert view.content["lead_assessor"] == "Lead One"
    assert view.content["panel"] == ["lead", "design", "performance", "technical", "user_research"]
    assert "Researcher" not in json.dumps(view.content)  # panel members are not named
    # Two panel members' names appear ("Designer" within "Designer Two"): longest first.
    assert view.suggested == ["Designer", "Designer Two"]
    assert view.redactions == ["Designer Two", "Designer"]
    assert view.content["standards"][0]["name"]["cy"].startswith("1. ")


def test_publishing_withholds_each_phrase_in_both_languages_and_logs_the_hash(people, accepted):
    slug = _publish(people, accepted)
    with session_scope(people, read_only=True) as session:
        shown = public_report(session, slug)
        entry = session.exec(select(LogEntry).where(LogEntry.event == "report.published")).one()
    assert shown.current is not None
    snapshot = shown.current.snapshot
    assert "Designer Two" not in json.dumps(snapshot, ensure_ascii=False)
    assert "8443" not in json.dumps(snapshot, ensure_ascii=False)
    assert snapshot["summary"]["en"].endswith(f"Thanks to {WITHHELD} for the demo.")
    assert gettext(WITHHELD, "cy") in snapshot["summary"]["cy"]
    w09 = next(s for s in snapshot["standards"] if s["id"] == "w09")
    assert w09["to_explore"]["en"] == SECURITY_EN.replace("8443", WITHHELD)
    assert entry.payload["content_hash"] == shown.current.content_hash == content_hash(snapshot)
    assert entry.payload["slug"] == slug == f"dfr-{accepted:05d}-beta-{ASSESSED.isoformat()}"


def test_a_phrase_that_is_not_in_the_report_is_refused_and_nothing_is_written(people, accepted):
    before = log_count(people)
    with pytest.raises(ValidationError, match="“Desinger Two” does not appear") as refused:
        _publish(people, accepted, redactions=["Desinger Two"])
    assert refused.value.field == "redactions"
    with pytest.raises(ValidationError, match="too short"):
        _publish(people, accepted, redactions=["Tw"])
    assert log_count(people) == before and _published_rows(people) == 0


def test_a_report_is_published_once_and_only_by_its_lead_or_the_coe(people, accepted):
    with pytest.raises(PermissionDeniedError, match="Only the lead assessor"):
        _publish(people, accepted, person="policy.est")  # the team sees it, may not publish
    with pytest.raises(NotFoundError):
        _publish(people, accepted, person="policy.hss")  # may not see it: it does not exist
    with pytest.raises(TransitionError, match="changed since your preview"):
        _publish(people, accepted, expected_hash="0" * 64)
    _publish(people, accepted, person="coe.one")
    before = log_count(people)
    with pytest.raises(TransitionError, match="publish a correction"):
        _publish(people, accepted)
    assert log_count(people) == before


def test_a_correction_is_a_new_version_and_the_old_hash_stays_in_the_log(people, accepted):
    slug = _publish(people, accepted)
    with session_scope(people) as session:
        correct_report(session, slug, "lead.one", "Cywiro'r crynodeb.", "Summary corrected.",
                       changes={"summary.en": "Private beta."}, on=ASSESSED)  # fmt: skip
    with session_scope(people, read_only=True) as session:
        versions = session.exec(
            select(PublishedReportVersion).order_by(col(PublishedReportVersion.version))
        ).all()
        logged = session.exec(
            select(LogEntry).where(col(LogEntry.event).like("report.%ed")).order_by(LogEntry.seq)
        ).all()
        shown = public_report(session, slug)
    first, second = versions
    assert first.snapshot["summary"]["en"].startswith("The service is ready for beta.")
    assert first.content_hash == content_hash(first.snapshot)  # the first version is unchanged
    assert second.snapshot["summary"]["en"] == "Private beta."
    assert [e.event for e in logged][-2:] == ["report.published", "report.corrected"]
    assert logged[-2].payload["content_hash"] == first.content_hash
    assert logged[-1].payload["previous_hash"] == first.content_hash
    assert logged[-1].payload["content_hash"] == second.content_hash != first.content_hash
    assert shown.current == second and [c.reason("cy") for c in shown.corrections] == [
        "Cywiro'r crynodeb."
    ]


def test_a_correction_needs_both_reasons_and_a_change(people, accepted):
    slug = _publish(people, accepted)
    before = log_count(people)
    with (
        pytest.raises(ValidationError, match="in Welsh and in English") as refused,
        session_scope(people) as session,
    ):
        correct_report(session, slug, "lead.one", "", "Fixed.",
                       changes={"summary.en": "x"}, on=ASSESSED)  # fmt: skip
    assert refused.value.field == "reason.cy"
    with (
        pytest.raises(ValidationError, match="changes nothing"),
        session_scope(people) as session,
    ):
        correct_report(session, slug, "lead.one", "Dim.", "None.", on=ASSESSED)
    with (
        pytest.raises(ValidationError, match=r"w99\.done_well\.en is not a text"),
        session_scope(people) as session,
    ):
        correct_report(session, slug, "lead.one", "Dim.", "None.",
                       changes={"w99.done_well.en": "x"}, on=ASSESSED)  # fmt: skip
    assert log_count(people) == before


def test_a_withdrawn_report_leaves_a_notice_and_leaves_the_finder_and_open_data(people, accepted):
    slug = _publish(people, accepted)
    with session_scope(people, read_only=True) as session:
        assert find_reports(session, ReportFilters()).total == 1
    assert [r["slug"] for r in report_records()] == [slug]
    with session_scope(people) as session:
        withdraw_report(session, slug, "coe.one", "Cyhoeddwyd mewn camgymeriad.",
                        "Published in error.", on=ASSESSED)  # fmt: skip
    with session_scope(people, read_only=True) as session:
        shown = public_report(session, slug)
        assert find_reports(session, ReportFilters()).total == 0
        event = session.exec(select(LogEntry.event).order_by(col(LogEntry.seq).desc())).first()
    assert shown.current is None and shown.published.withdrawn_reason("en") == "Published in error."
    assert list(report_records()) == [] and event == "report.withdrawn"
    with pytest.raises(TransitionError, match="withdrawn"), session_scope(people) as session:
        correct_report(session, slug, "lead.one", "a", "b", changes={"summary.en": "x"},
                       on=ASSESSED)  # fmt: skip
