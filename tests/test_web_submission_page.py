"""The submission page after a resubmission: the stages are grouped by round, the latest first,
so three stages reviewed twice read as two rounds, not six rows in one list. A panel assessor
finds the assessments they sit on in their work, and opens them."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import select

from checklists.loader import registry
from checklists.yaml_files import read_yaml
from dfr.i18n import gettext
from models.db import engine_for, session_scope
from models.directory import Person
from models.review import PanelMember, ReviewTask
from models.submission import Submission
from services.decide import DecisionRequest, record_decision
from services.scenarios import run_scenario
from services.submit import submit
from tests.conftest import ROOT
from tests.web_support import Browserless, Site

EXAMPLE = ROOT / "examples" / "submissions" / "07-request-changes-resubmit.yaml"
ASSESSED = ROOT / "examples" / "submissions" / "02-new-service-alpha-amber.yaml"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_stages_of_each_round_are_grouped_latest_first(site: Site, language: str):
    sid = run_scenario(engine_for(site.database_url), registry(), EXAMPLE).submission_id
    client = Browserless(site)
    client.sign_in("gwenllian.rees", language)  # an administrator
    page = html.unescape(client.get(f"/submissions/{sid}").text)
    stages = page.split(f'<h2 class="govuk-heading-m">{gettext("Route and stages", language)}', 1)[
        1
    ]
    stages = stages.split("</table>", 1)[0]
    heading = gettext("Round {number}", language)
    rounds = re.findall(r'class="govuk-table__header dfr-round">([^<]+)<', stages)
    assert rounds == [heading.format(number=2), heading.format(number=1)]
    assert stages.count("<tbody") == 2
    client.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_panel_assessor_finds_the_assessment_in_their_work_and_opens_it(
    site: Site, language: str
):
    engine = engine_for(site.database_url)
    reg = registry()
    with session_scope(engine) as session:  # example 02, its assessment open
        sid = submit(session, read_yaml(ASSESSED), reg).submission_id
        first = session.exec(
            select(ReviewTask).where(ReviewTask.submission_id == sid, ReviewTask.status == "open")
        ).one()
        record_decision(
            session,
            DecisionRequest(sid, first.stage, "approve", "Iawn.", first.assignee_id or ""),
            reg,
        )
        assessment = session.exec(
            select(ReviewTask).where(ReviewTask.submission_id == sid, ReviewTask.status == "open")
        ).one()
        members = session.exec(
            select(PanelMember).where(
                PanelMember.task_id == assessment.id, PanelMember.panel_role != "lead"
            )
        ).all()
        submission = session.get(Submission, sid)
        holder = session.get(Person, assessment.assignee_id)
        assert submission is not None and holder is not None
        reference, lead = submission.reference, holder.name
    assert members, "the assessment has a panel"
    client = Browserless(site)
    client.sign_in(members[0].person_id, language)
    work = html.unescape(client.get("/work").text)
    panels = work.split(gettext("Assessment panels you sit on", language), 1)
    assert len(panels) == 2, work
    assert f'href="/submissions/{sid}">{reference}</a>' in panels[1] and lead in panels[1]
    assert client.get(f"/submissions/{sid}").status_code == 200
    client.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_reviewer_finds_their_past_reviews_in_their_work(site: Site, language: str):
    sid = run_scenario(engine_for(site.database_url), registry(), EXAMPLE).submission_id
    client = Browserless(site)
    client.sign_in("gareth.hughes", language)  # decided example 07's digital-options reviews
    work = html.unescape(client.get("/work").text)
    past = work.split(gettext("Your past reviews", language), 1)
    assert len(past) == 2, work
    assert f'href="/submissions/{sid}">' in past[1]
    outcome = gettext("Digital-options review", language)
    assert outcome in past[1]
    client.close()


@pytest.mark.parametrize(
    ("language", "risk", "scrutiny"),
    [
        ("en", "Medium", "The Digital Centre of Excellence reviews the digital options"),
        ("cy", "Canolig", "Y Ganolfan Ragoriaeth Ddigidol sy'n adolygu'r opsiynau digidol"),
    ],
)
def test_the_page_shows_the_risk_rating_and_the_extra_scrutiny(
    site: Site, language: str, risk: str, scrutiny: str
):
    engine = engine_for(site.database_url)
    with session_scope(engine) as session:  # example 02: 120,000 transactions a year
        sid = submit(session, read_yaml(ASSESSED), registry()).submission_id
    client = Browserless(site)
    client.sign_in("gwenllian.rees", language)
    page = html.unescape(client.get(f"/submissions/{sid}").text)
    row = re.search(
        rf"<dt[^>]*>\s*{gettext('Risk rating', language)}\s*</dt>\s*<dd[^>]*>\s*([^<]+?)\s*</dd>",
        page,
    )
    assert row and row.group(1) == risk
    assert scrutiny in page
    client.close()
