"""No page, command or message shows text from the other language's sources (Welsh Language
Standards: no less favourable treatment). Every page of the journeys, in Welsh and in English,
the CLI's output and every notification template are read as a person reads them: an English
sentence on a Welsh page fails unless its element is marked `lang="en"` (and the other way).

To add a page, add a `pages[...] = client.get(...)` line to `_walk`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
import yaml
from sqlmodel import col, select

from checklists.loader import registry
from checklists.yaml_files import read_yaml
from dfr.cli.main import main as dfr
from dfr.i18n import gettext
from dfr.settings import get_settings
from flows.digest import week_start_for
from models.db import engine_for, session_scope
from models.notification import Notification
from models.quarter import Quarter
from models.register_kpis import KPIS
from models.review import Action, Decision, ReviewTask
from models.service_register import CHANNELS, CUSTOMER_TYPES, PHASES, Service
from models.submission import Submission
from models.working_days import add_working_days, london_today
from notifications.digest import queue_digests
from notifications.queue import queue_for_submissions
from notifications.render import MESSAGES
from services.acknowledgements import acknowledge_due
from services.actions import confirm_done, report_done, send_back
from services.decide import DecisionRequest, StandardAssessment, record_decision
from services.digests import record_digests
from services.panel_declarations import add_evidence, declare_interests
from services.panels import book_assessment
from services.ratings import save_ratings
from services.reassign import reassign
from services.register_examples import load_register_examples
from services.register_late_returns import chase_late_returns, return_due
from services.register_owners import set_owner
from services.register_publication import KPI_FIELDS, RETURN_FIELDS, SERVICE_FIELDS
from services.reminders import sweep
from services.report_responses import (
    StandardAnswer,
    accept_report,
    answer_challenge,
    challenge_report,
)
from services.scenarios import run_scenario
from services.submit import submit
from tests.assessment_support import COE_LEAD, assess_and_report
from tests.conftest import ROOT
from tests.cross_language import LANGUAGES, Sources, visible_text
from tests.factories import open_task
from tests.web_support import Browserless, Site

EXAMPLES = ROOT / "examples" / "submissions"
ADMIN = "gwenllian.rees"


@dataclass
class World:
    """The examples run through the engine, an assessment waiting for its panel, and the
    messages all that sent (reminders, escalations and the digest included)."""

    submissions: dict[str, int]  # example file name -> submission id
    assessment: ReviewTask  # open, with standards to rate
    changes_requested: int
    reported: int  # its assessment report sent, challenged, and the challenge answered
    pending: int  # another report sent, waiting for the team's answer


@pytest.fixture(scope="module")
def world(site: Site) -> World:
    engine, reg, settings = engine_for(site.database_url), registry(), get_settings()
    ran = {p.name: run_scenario(engine, reg, p).submission_id for p in sorted(EXAMPLES.glob("*"))}
    with session_scope(engine) as session:  # the alpha assessment of example 02, open
        sid = submit(session, read_yaml(EXAMPLES / "02-new-service-alpha-amber.yaml"), reg)
        first = open_task(session, sid.submission_id)
        record_decision(
            session,
            DecisionRequest(
                sid.submission_id, first.stage, "approve", "Iawn.", first.assignee_id or ""
            ),
            reg,
        )
        assessment = open_task(session, sid.submission_id)
        session.expunge(assessment)
    with session_scope(engine) as session:  # led by Tomos Rhys (Digital CoE), who reads Welsh
        if assessment.assignee_id != COE_LEAD:
            reassign(session, sid.submission_id, assessment.stage, COE_LEAD, "Cymraeg.", ADMIN)
            assessment.assignee_id = COE_LEAD
    with session_scope(engine) as session:  # its panel booked; one member declares a conflict
        panel = {
            "user_research": "lowri.price",
            "design": "ben.taylor",
            "technical": "aled.griffiths",
        }
        on = london_today() + timedelta(weeks=6)
        book_assessment(session, sid.submission_id, "carys.llewelyn", on, panel)
        declare_interests(session, sid.submission_id, "lowri.price", False)
        declare_interests(session, sid.submission_id, "ben.taylor", True, "Fi a'i dyluniodd.")
        add_evidence(
            session, sid.submission_id, "iwan.parry", "research", "https://example.org/r", "Ymchwil"
        )
        notes = {
            "w03": StandardAssessment("amber", "Da.", "Mwy."),
            "w05": StandardAssessment("green"),
        }
        save_ratings(session, sid.submission_id, "lowri.price", notes, reg, final=True)
    with session_scope(engine) as session:  # then by Mark Wilson, who reads English
        reassign(session, sid.submission_id, assessment.stage, "mark.wilson", "Absence.", ADMIN)
        assessment.assignee_id = "mark.wilson"
        declare_interests(session, sid.submission_id, "aled.griffiths", False)
        tech = {s: StandardAssessment("green") for s in ("w09", "w10", "w11")}
        save_ratings(session, sid.submission_id, "aled.griffiths", tech, reg, final=True)
    with session_scope(engine) as session:  # a second one assessed, and its report sent
        reported = submit(session, read_yaml(EXAMPLES / "02-new-service-alpha-amber.yaml"), reg)
        first = open_task(session, reported.submission_id)
        request = DecisionRequest(
            reported.submission_id, first.stage, "approve", "Iawn.", first.assignee_id or ""
        )
        record_decision(session, request, reg)
    lead = assess_and_report(engine, reg, reported.submission_id, london_today())
    with session_scope(engine) as session:  # its amber action closed (it is written in Welsh)
        for action_id in session.exec(
            select(Action.id).where(Action.submission_id == reported.submission_id)
        ).all():
            report_done(session, action_id or 0, "iwan.parry", "Gwnaed.", "https://example.org/e")
            confirm_done(session, action_id or 0, lead)
    with session_scope(engine) as session:  # the team challenges it; the panel upholds
        challenge_report(session, reported.submission_id, "iwan.parry", {"w12": "Mae gennym."})
        upheld = {"w12": StandardAnswer("amber", "Dim llinell sylfaen eto.")}
        answer_challenge(session, reported.submission_id, lead, upheld)
    accepted, pending = _sent_report(engine), _sent_report(engine)  # one accepted, one waits
    with session_scope(engine) as session:
        accept_report(session, accepted, "iwan.parry")
    with session_scope(engine) as session:  # conditions and actions reported done, answered
        owed = session.exec(
            select(Action)
            .where(col(Action.kind).in_(("condition", "amber_action")), Action.status == "open")
            .order_by(col(Action.id))
        ).all()
        for n, action in enumerate(owed):  # every other one confirmed, the rest sent back
            owner = session.get(Submission, action.submission_id)
            setter = session.get(Decision, action.decision_id)
            assert owner is not None and setter is not None and action.id is not None
            report_done(session, action.id, owner.submitter_id, "Gwnaed.", "https://example.org/e")
            if n % 2 == 0:
                confirm_done(session, action.id, setter.actor_id)
            else:
                send_back(session, action.id, setter.actor_id, "Mwy.")
    today = london_today()
    for day in range(0, 120, 3):  # every step of the reminders and escalations, in time
        with session_scope(engine) as session:
            acknowledge_due(session, today + timedelta(days=day))  # those nobody opened
            sweep(session, today + timedelta(days=day))
    with session_scope(engine) as session:
        everything = [*ran.values(), sid.submission_id, reported.submission_id, accepted, pending]
        queue_for_submissions(session, everything, reg, settings)
        week = week_start_for(today)
        record_digests(session, week)
        queue_digests(session, week, reg, settings)
    load_register_examples(engine, ROOT / "examples" / "register")  # the public register
    chase_a_late_return(engine, settings)
    return World(ran, assessment, ran["12-changes-requested.yaml"], reported.submission_id, pending)


def _sent_report(engine: Any) -> int:
    """Example 02 approved and assessed, its report sent to the team."""
    reg = registry()
    with session_scope(engine) as session:
        made = submit(session, read_yaml(EXAMPLES / "02-new-service-alpha-amber.yaml"), reg)
        first = open_task(session, made.submission_id)
        request = DecisionRequest(
            made.submission_id, first.stage, "approve", "Iawn.", first.assignee_id or ""
        )
        record_decision(session, request, reg)
    assess_and_report(engine, reg, made.submission_id, london_today())
    return made.submission_id


def chase_a_late_return(engine: Any, settings: Any) -> None:
    """Last month's return late for two services owned for a year: a reminder to each owner
    (Iwan Parry reads Welsh, Lucy Green English), then an escalation to each DG's Digital
    Leader (LGC's reads English, EST's Welsh)."""
    last_month = (london_today().replace(day=1) - timedelta(days=1)).replace(day=1)
    with session_scope(engine) as session:
        for slug, owner in (
            ("council-tax-reduction", "iwan.parry"),
            ("mytravelpass", "lucy.green"),
        ):
            set_owner(session, "carys.llewelyn", slug, owner)
            service = session.exec(select(Service).where(Service.slug == slug)).one()
            service.created_at = service.created_at - timedelta(days=365)
            session.add(service)
    due = return_due(last_month, settings.return_due_working_day)
    for day in (due + timedelta(days=1), add_working_days(due, 30)):
        with session_scope(engine) as session:
            chase_late_returns(session, day, settings)


def _form_values(answers: dict[str, Any]) -> dict[str, Any]:
    """A checklist's answers as its question pages post them."""
    values: dict[str, Any] = {}
    for qid, value in answers.items():
        if isinstance(value, bool):
            values[qid] = "yes" if value else "no"
        elif isinstance(value, list):
            values[qid] = [str(v) for v in value]
        elif hasattr(value, "isoformat"):
            values.update({f"{qid}-day": value.day, f"{qid}-month": value.month})
            values[f"{qid}-year"] = value.year
        else:
            values[qid] = str(value)
    return values


def _expect(response: httpx.Response, status: int = 200) -> str:
    assert response.status_code == status, f"{response.url}: {response.status_code}"
    return response.text


def _walk(site: Site, world: World, language: str) -> dict[str, str]:
    """Every page a person meets on the journeys, as HTML, by what it is."""
    pages: dict[str, str] = {}
    anonymous = Browserless(site)
    anonymous.get(f"/language/{language}?next=/sign-in")
    pages["sign in"] = _expect(anonymous.get("/sign-in"))
    pages["page not found"] = _expect(anonymous.get("/no-such-page"), 404)
    for path in ("/help", "/accessibility", "/privacy"):
        pages[path] = _expect(anonymous.get(path))
    for path in ("/services", "/services?dg=SF&phase=live", "/open-data", "/services/dg/SF"):
        pages[path] = _expect(anonymous.get(path))
    for path in ("/services-summary",):
        pages[path] = _expect(anonymous.get(path))
    for slug in ("planning-appeal", "landfill-disposals-tax", "woodland-creation-grant"):
        pages[f"register: {slug}"] = _expect(anonymous.get(f"/services/{slug}"))
    pages["register: service not found"] = _expect(anonymous.get("/services/no-such"), 404)
    anonymous.close()

    officer = Browserless(site)  # submits a procurement with example 04's texts and answers
    pages["your work (policy officer)"] = officer.sign_in("iwan.parry", language).text
    pages["submit: start"] = _expect(officer.get("/submit"))
    about = officer.post("/submit", {"kind": "procurement", "dg": "EST"})
    pages["submit: about"] = _expect(about)
    empty = {"title_en": "", "title_cy": "", "summary_en": "", "summary_cy": ""}
    pages["submit: about, refused"] = _expect(officer.post(about.url.path, empty), 400)
    example = read_yaml(EXAMPLES / "04-procurement-framework-conditions.yaml")["submission"]
    texts = {
        f"{name}_{lang}": example[name][lang] for name in ("title", "summary") for lang in LANGUAGES
    }
    page = officer.post(about.url.path, texts)
    pages["submit: question page, refused"] = _expect(officer.post(page.url.path, {}), 400)
    while "/questions/" in page.url.path:
        pages[f"submit: question page {page.url.path.split('/', 4)[-1]}"] = _expect(page)
        checklist_id = page.url.path.split("/")[4]
        page = officer.post(page.url.path, _form_values(example["answers"][checklist_id]))
    pages["submit: check your answers"] = _expect(page)
    confirmation = officer.post(page.url.path)
    pages["submit: confirmation"] = _expect(confirmation)
    new_id = confirmation.url.path.split("/")[2]
    pages["submission (its submitter)"] = _expect(officer.get(f"/submissions/{new_id}"))
    pages["withdraw: are you sure?"] = _expect(officer.get(f"/submissions/{new_id}/withdraw"))
    draft = officer.post("/submit", {"kind": "initiative", "dg": "EST"}).url.path.split("/")[2]
    pages["submit: start, with a draft"] = _expect(officer.get("/submit"))
    pages["delete a draft: are you sure?"] = _expect(officer.get(f"/drafts/{draft}/delete"))
    pages["DG overview, refused"] = _expect(officer.get("/dg/EST"), 404)
    pages["submission not found"] = _expect(officer.get("/submissions/99999"), 404)
    officer.close()

    admin = Browserless(site)
    pages["your work (administrator)"] = admin.sign_in(ADMIN, language).text
    for name, sid in world.submissions.items():
        pages[f"submission {name}"] = _expect(admin.get(f"/submissions/{sid}"))
    for dg in ("EST", "DfES", "LGC", "SF", "HSS"):
        pages[f"DG overview {dg}"] = _expect(admin.get(f"/dg/{dg}"))
    task = world.assessment
    reassign = f"/submissions/{task.submission_id}/reassign/{task.id}"
    pages["reassign"] = _expect(admin.get(reassign))
    pages["assessment (administrator)"] = _expect(
        admin.get(f"/submissions/{task.submission_id}/assessment")
    )
    pages["reassign, refused"] = _expect(admin.post(reassign, {}), 400)
    pages["cover (administrator)"] = _expect(admin.get("/cover"))
    pages["register upload"] = _expect(admin.get("/register/upload"))
    pages["register priorities"] = _expect(admin.get("/register/priorities"))
    pages["progress reports (public)"] = _expect(admin.get("/progress"))
    pages["progress reports (CoE)"] = _expect(admin.get("/progress/manage"))
    pages["progress report, refused"] = _expect(
        admin.post("/progress/manage", {"quarter": "x"}), 400
    )
    quarter = Quarter.last_complete(london_today())
    pages["progress report draft"] = _expect(
        admin.post("/progress/manage", {"quarter": str(quarter)})
    )
    pages["progress report preview"] = _expect(
        admin.get(f"/progress/manage/{quarter.slug}/preview/{language}")
    )
    pages["register: record a return"] = _expect(admin.get("/register/returns/new"))
    pages["register: record a return, refused"] = _expect(
        admin.post("/register/returns/new", {"service": "planning-appeal", "month": "x"}), 400
    )
    pages["find submissions"] = _expect(admin.get("/submissions?sort=oldest"))
    pages["find submissions, refused"] = _expect(admin.get("/submissions?state=x"), 400)
    pages["cover, refused"] = _expect(admin.post("/cover", {}), 400)
    admin.close()

    coe = Browserless(site)
    coe.sign_in("carys.llewelyn", language)
    assessment = f"/submissions/{task.submission_id}/assessment"
    pages["assessment (CoE)"] = _expect(coe.get(assessment))
    pages["assessment, refused"] = _expect(coe.post(f"{assessment}/book", {}), 400)
    pages["register desk (CoE)"] = _expect(coe.get("/register"))
    proposal = world.submissions["09-discovery-obligation.yaml"]
    pages["register proposal"] = _expect(coe.get(f"/register/proposals/{proposal}"))
    pages["register proposal, refused"] = _expect(
        coe.post(f"/register/proposals/{proposal}/dismiss", {"reason": ""}), 400
    )
    pages["register service (CoE)"] = _expect(coe.get("/register/services/mytravelpass"))
    pages["register entry, edit"] = _expect(coe.get("/register/services/mytravelpass/edit"))
    pages["register entry, refused"] = _expect(
        coe.post("/register/services/mytravelpass/edit", {"name_en": ""}), 400
    )
    coe.close()
    team = Browserless(site)
    team.sign_in("iwan.parry", language)
    pages["assessment (its team)"] = _expect(team.get(assessment))
    pages["assessment report (its team)"] = _expect(
        team.get(f"/submissions/{world.reported}/assessment/report")
    )
    report = f"/submissions/{world.reported}/assessment/report"
    pages["assessment feedback (its team)"] = _expect(team.get(f"{report}/feedback"))
    pages["assessment feedback, refused"] = _expect(team.post(f"{report}/feedback", {}), 400)
    waiting = f"/submissions/{world.pending}/assessment/report"
    pages["assessment report, waiting for its team"] = _expect(team.get(waiting))
    pages["report challenge"] = _expect(team.get(f"{waiting}/challenge"))
    refused = team.post(f"{waiting}/challenge", {"standards": "w12"})
    pages["report challenge, refused"] = _expect(refused, 400)
    pages["assessment evidence, refused"] = _expect(team.post(f"{assessment}/evidence", {}), 400)
    team.close()
    panel_member = Browserless(site)
    panel_member.sign_in("aled.griffiths", language)
    pages["assessment (a panel member)"] = _expect(panel_member.get(assessment))
    pages["ratings (an assessor)"] = _expect(panel_member.get(f"{assessment}/ratings"))
    pages["ratings, refused"] = _expect(
        panel_member.post(f"{assessment}/ratings", {"action": "send"}), 400
    )
    panel_member.close()

    leader = Browserless(site)
    pages["your work (DG Digital Leader)"] = leader.sign_in("rhian.evans", language).text
    pages["DG overview (its leader)"] = _expect(leader.get("/dg/EST"))
    leader.close()

    assessor = Browserless(site)
    pages["your work (lead assessor)"] = assessor.sign_in(task.assignee_id or "", language).text
    review = f"/submissions/{task.submission_id}/review/{task.id}"
    pages["submission (its assessor)"] = _expect(assessor.get(f"/submissions/{task.submission_id}"))
    pages["assessment form"] = _expect(assessor.get(review))
    ratings = f"/submissions/{task.submission_id}/assessment/ratings"
    pages["ratings (the lead)"] = _expect(assessor.get(ratings))
    pages["assessment form, refused"] = _expect(assessor.post(review, {}), 400)
    assessor.close()

    submitter = Browserless(site)  # answers "changes requested"
    submitter.sign_in("rhys.bevan", language)
    again = submitter.post(f"/submissions/{world.changes_requested}/resubmit")
    pages["resubmission: check your answers"] = _expect(again)
    submitter.close()
    for name, html in pages.items():
        assert f'<html lang="{language}"' in html, name
    return pages


@pytest.fixture(scope="module")
def pages(site: Site, world: World) -> dict[str, dict[str, str]]:
    return {language: _walk(site, world, language) for language in LANGUAGES}


def _report(leaks: dict[str, list[str]]) -> str:
    lines = [f"{len(leaks)} pieces show text of the other language:"]
    for where, found in leaks.items():
        lines += [f"  {where}:"] + [f"    {text}" for text in found]
    return "\n".join(lines)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_in_the_page_language(pages: dict[str, dict[str, str]], language: str):
    sources = Sources.load()
    leaks = {
        name: found
        for name, html in pages[language].items()
        if (found := sources.leaks_in_page(html, language))
    }
    assert leaks == {}, _report(leaks)


@pytest.fixture
def cli(world: World, capsys: pytest.CaptureFixture[str]) -> Iterator[Any]:
    def run(*args: str) -> str:
        dfr(list(args))
        captured = capsys.readouterr()
        return captured.out + captured.err

    yield run


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_command_line_speaks_one_language(world: World, cli: Any, language: str):
    sources = Sources.load()
    outputs = {
        f"show {name}": cli("--lang", language, "show", str(sid))
        for name, sid in world.submissions.items()
    }
    outputs["tasks"] = cli("--lang", language, "tasks")
    outputs["register kpis"] = cli("--lang", language, "register", "kpis")
    outputs["register priorities"] = cli(
        "--lang", language, "register", "priorities", "--as", "carys.llewelyn", "--top", "3"
    )
    outputs["register proposals"] = cli(
        "--lang", language, "register", "proposals", "--as", "carys.llewelyn"
    )
    outputs["show, not found"] = cli("--lang", language, "show", "99999")
    outputs["decide, refused"] = cli(
        "--lang", language, "decide", str(world.assessment.submission_id), "--stage",
        "service_assessment", "--outcome", "green", "--rationale", "x", "--as", "iwan.parry",
    )  # fmt: skip
    leaks = {
        name: found
        for name, text in outputs.items()
        if (found := sources.leaks_in_text(text, language))
    }
    assert leaks == {}, _report(leaks)


def _parts(row: Notification) -> list[tuple[str, str]]:
    """A message's parts with their languages: Welsh then English when the person's language
    is not known."""
    if row.language != "cy+en":
        return [(row.language, f"{row.subject}\n{row.body_markdown}")]
    subjects = row.subject.split(" / ", 1)
    bodies = row.body_markdown.split("\n---\n", 1)
    return [(lang, f"{subjects[n]}\n{bodies[n]}") for n, lang in enumerate(("cy", "en"))]


def test_every_message_speaks_the_language_it_is_in(site: Site, world: World):
    sources = Sources.load()
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        rows = session.exec(select(Notification).order_by(col(Notification.id))).all()
        written = {(row.message, lang) for row in rows for lang, _text in _parts(row)}
        assert written >= {(m, lang) for m in MESSAGES for lang in LANGUAGES}
        leaks: dict[str, list[str]] = {}
        for row in rows:
            for lang, text in _parts(row):
                found = sources.leaks_in_text(text, lang)
                if found:
                    leaks.setdefault(f"{row.message} ({lang})", found)
    assert leaks == {}, _report(leaks)


# -- names, not ids; Markdown as formatting, not marks ------------------------------------------

PERSON_IDS = {
    p["id"] for p in yaml.safe_load((ROOT / "examples" / "people.yaml").read_text())["people"]
}
IDS = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in sorted(PERSON_IDS)) + r")\b"  # lucy.green
    r"|\b[wu]\d\d\b"  # a standard's id
    r"|\b[a-z]+_[a-z_]+(?:#\d+)?"  # category_review#1, an obligation's id
    r"|\d{4}-\d\d-\d\d"  # an ISO date
)
# Names a person is meant to read as they are: the cookies the privacy page lists, as their
# browser shows them.
# And the register's open data columns and codes, which its data dictionary (/open-data) names
# as the files spell them.
OPEN_DATA_NAMES = {
    *SERVICE_FIELDS, *RETURN_FIELDS, *KPI_FIELDS, *KPIS, *PHASES, *CUSTOMER_TYPES, *CHANNELS,
    "not_applicable", "not_provided",
}  # fmt: skip
SHOWN_AS_NAMED = {"dfr_session", "dfr_lang", *OPEN_DATA_NAMES}
RAW_MARKDOWN = re.compile(r"\*\*|^\s*- ", re.M)
MARKDOWN_HINT = "Say why you decided this. You can use Markdown: **bold**, lists, links."
TEXTAREA = re.compile(r"<textarea\b.*?</textarea>", re.S)  # holds what the person typed


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_name_people_standards_and_actions_not_ids(
    pages: dict[str, dict[str, str]], language: str
):
    shown = {
        name: sorted(set(IDS.findall(" ".join(visible_text(html, exclude_language="")))))
        for name, html in pages[language].items()
    }
    shown = {name: [i for i in ids if i not in SHOWN_AS_NAMED] for name, ids in shown.items()}
    assert {name: ids for name, ids in shown.items() if ids} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_summaries_rationales_and_history_are_formatted_not_raw_markdown(
    pages: dict[str, dict[str, str]], language: str
):
    raw = {
        name: [
            t[max(m.start() - 40, 0) : m.end() + 40]
            for chunk in visible_text(TEXTAREA.sub("", html), "")
            if (t := chunk.replace(gettext(MARKDOWN_HINT, language), ""))
            for m in RAW_MARKDOWN.finditer(t)
        ]
        for name, html in pages[language].items()
    }
    assert {name: found for name, found in raw.items() if found} == {}
    page = pages[language]["submission 05-high-risk-red-then-green.yaml"]
    # the summary's list and bold, and a rationale's, in GOV.UK typography
    assert '<ul class="govuk-list govuk-list--bullet">' in page
    assert re.search(r"<strong>Digital\s+Outcomes</strong>", page)
    assert re.search(r'class="dfr-rationale">\s*<p class="govuk-body">', page)


def test_a_welsh_history_reads_in_words_with_welsh_dates(pages: dict[str, dict[str, str]]):
    page = pages["cy"]["submission 08-rejected-direct-award.yaml"]
    history = page[page.index("dfr-timeline") :]
    text = " ".join(visible_text(history, exclude_language="en"))
    assert gettext("Review reassigned", "cy") in text
    assert "Owain Thomas" in text  # whom it went to, by name
    months = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst",
              "Medi", "Hydref", "Tachwedd", "Rhagfyr")  # fmt: skip
    assert any(f" {month} 20" in text for month in months), text
    assert "yn y log" not in text  # not "Cofnod 80 yn y log", a number nobody reads
