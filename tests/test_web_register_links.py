"""The register's links on the web, in Welsh and English: a submission's service (its page and
the drafting journey), the CoE's register proposals, a service's page for the CoE and its owner
(showing only the submissions the reader may see), and a candidate turned into a draft."""

from __future__ import annotations

import html

import pytest
from sqlmodel import col, select

from checklists.loader import registry
from models.audit import LogEntry
from models.db import engine_for, session_scope
from models.draft import Draft
from models.service_links import ServiceLink
from models.service_register import Service
from services.register_examples import load_register_examples
from services.register_owners import set_owner
from services.scenarios import run_scenario
from tests.conftest import ROOT
from tests.web_support import Browserless, Site, submit_example

EXAMPLES = ROOT / "examples" / "submissions"


@pytest.fixture(scope="module")
def loaded(site: Site) -> Site:
    load_register_examples(engine_for(site.database_url), ROOT / "examples" / "register")
    return site


def _as(site: Site, person: str, language: str) -> Browserless:
    client = Browserless(site)
    client.sign_in(person, language)
    return client


def _page(response) -> str:
    return html.unescape(response.text)


def _log(site: Site, event: str) -> list[LogEntry]:
    with session_scope(engine_for(site.database_url)) as session:
        return list(
            session.exec(
                select(LogEntry).where(LogEntry.event == event).order_by(col(LogEntry.seq))
            ).all()
        )


def test_the_submitter_links_their_submission_and_a_leader_reads_it_in_welsh(loaded: Site):
    submission, _task = submit_example(loaded, EXAMPLES / "01-policy-no-digital-service.yaml")
    sid = submission.id
    submitter = _as(loaded, "angharad.wyn", "en")
    page = _page(submitter.get(f"/submissions/{sid}"))
    assert "Service on the register" in page
    assert "It is not linked to a service on the register." in page
    assert "Gwasanaeth ar y gofrestr" not in page
    page = _page(submitter.post(f"/submissions/{sid}/service", {"service": "mytravelpass"}))
    assert "It changes" in page and "MyTravelPass" in page
    leader = _as(loaded, "gareth.hughes", "cy")
    page = _page(leader.get(f"/submissions/{sid}"))
    assert "Gwasanaeth ar y gofrestr" in page and "Mae'n newid" in page
    assert "FyNgherdynTeithio" in page
    assert "Cadw'r gwasanaeth" not in page  # the form is the submitter's, the CoE's
    assert "Service on the register" not in page and "It changes" not in page
    # Someone who may not see the submission cannot link it, nor learn it exists.
    before = len(_log(loaded, "register.submission_linked"))
    outsider = _as(loaded, "lucy.green", "en")
    refused = outsider.post(f"/submissions/{sid}/service", {"service": "new"})
    assert refused.status_code == 404
    assert len(_log(loaded, "register.submission_linked")) == before
    for client in (submitter, leader, outsider):
        client.close()


def test_a_service_page_shows_only_the_submissions_its_reader_may_see(loaded: Site):
    submission, _task = submit_example(loaded, EXAMPLES / "01-policy-no-digital-service.yaml")
    engine = engine_for(loaded.database_url)
    with session_scope(engine) as session:
        session.add(
            ServiceLink(
                submission_id=submission.id or 0,
                kind="changes",
                service_id=_id(session, "concessionary-travel-pass"),
                linked_by_id="angharad.wyn",
            )
        )
        set_owner(session, "carys.llewelyn", "concessionary-travel-pass", "lucy.green")
    coe = _as(loaded, "james.oconnor", "en")
    page = _page(coe.get("/register/services/concessionary-travel-pass"))
    assert submission.reference in page and "changes a service on the register" in page
    assert "Lucy Green" in page
    owner = _as(loaded, "lucy.green", "cy")
    page = _page(owner.get("/register/services/concessionary-travel-pass"))
    assert "Cerdyn teithio rhatach" in page
    assert submission.reference not in page and submission.title_cy not in page
    assert "Dim un y gallwch ei weld." in page and "None that you can see." not in page
    desk = _page(owner.get("/register"))
    assert "Y gwasanaethau rydych yn berchen arnynt" in desk and "Cerdyn teithio rhatach" in desk
    assert "Cynigion i'r gofrestr" not in desk and "FyNgherdynTeithio" not in desk
    returns = _page(owner.get("/register/returns/new?service=concessionary-travel-pass"))
    assert "Cerdyn teithio rhatach" in returns and "FyNgherdynTeithio" not in returns
    stranger = _as(loaded, "iwan.parry", "en")
    assert stranger.get("/register/services/concessionary-travel-pass").status_code == 404
    assert stranger.get("/register").status_code == 404
    assert stranger.get("/register/returns/new").status_code == 404
    missing = stranger.get("/register/services/no-such-service")
    assert missing.status_code == 404
    for client in (coe, owner, stranger):
        client.close()


def _id(session, slug: str) -> int:
    return session.exec(select(Service.id).where(Service.slug == slug)).one()


def test_the_coe_settles_register_proposals(loaded: Site):
    engine = engine_for(loaded.database_url)
    example = EXAMPLES / "09-discovery-obligation.yaml"
    sid = run_scenario(engine, registry(ROOT / "checklists" / "data"), example).submission_id
    coe = _as(loaded, "james.oconnor", "en")
    page = _page(coe.get("/register"))
    assert "Register proposals" in page and "a simpler way for social care workers" in page
    # A dismissal needs a reason: refused, nothing written.
    refused = coe.post(f"/register/proposals/{sid}/dismiss", {"reason": " "})
    assert refused.status_code == 400
    assert "Say why it needs no entry on the register" in _page(refused)
    assert _log(loaded, "register.proposal_dismissed") == []
    welsh = _as(loaded, "carys.llewelyn", "cy")
    page = _page(welsh.get(f"/register/proposals/{sid}"))
    assert "Ychwanegu at y gofrestr" in page and "Add it to the register" not in page
    assert "Darganfod: ffordd symlach i weithwyr gofal cymdeithasol gofrestru" in page
    form = {
        "slug": "social-care-registration",
        "name_en": "Register as a social care worker",
        "name_cy": "Cofrestru fel gweithiwr gofal cymdeithasol",
        "description_en": "Register with Social Care Wales.",
        "description_cy": "Cofrestru gyda Gofal Cymdeithasol Cymru.",
        "dg": "HSS",
        "customer_type": "citizens",
        "channels": ["online", "phone"],
        "assisted_digital": "yes",
        "phase": "discovery",
        "web_address": "",
    }
    missing_type = welsh.post(f"/register/proposals/{sid}", form)
    assert missing_type.status_code == 400 and "Dewiswch y math o drafodiad." in _page(missing_type)
    done = welsh.post(f"/register/proposals/{sid}", {**form, "transaction_type": "registration"})
    page = _page(done)
    assert done.url.path == "/register/services/social-care-registration"
    assert (
        "Cofrestru fel gweithiwr gofal cymdeithasol" in page and "yn creu gwasanaeth newydd" in page
    )
    assert "creates a new service" not in page
    assert "a simpler way for social care workers" not in _page(coe.get("/register"))
    submitter = _as(loaded, "david.patel", "en")
    page = _page(submitter.get(f"/submissions/{sid}"))
    assert "It creates a new service, now on the register as" in page
    assert "Register as a social care worker" in page
    for client in (coe, welsh, submitter):
        client.close()


def test_a_draft_names_its_service_on_the_check_page(loaded: Site):
    with session_scope(engine_for(loaded.database_url)) as session:
        draft = Draft(person_id="lucy.green", kind="initiative", dg_code="EST")
        session.add(draft)
        session.flush()
        draft_id = draft.id
    officer = _as(loaded, "lucy.green", "en")
    page = _page(officer.get(f"/drafts/{draft_id}/service"))
    assert "Which service on the register does it change?" in page and "MyTravelPass" in page
    wrong = officer.post(f"/drafts/{draft_id}/service", {"service": "nowhere"})
    assert wrong.status_code == 400 and "There is no service nowhere on the register" in _page(
        wrong
    )
    done = officer.post(f"/drafts/{draft_id}/service", {"service": "mytravelpass"})
    assert done.url.path == f"/drafts/{draft_id}/check"
    assert "It changes MyTravelPass" in _page(done)
    other = _as(loaded, "iwan.parry", "cy")
    assert other.get(f"/drafts/{draft_id}/service").status_code == 404
    officer.close()
    other.close()


def test_the_coe_turns_a_candidate_into_a_draft_once(loaded: Site):
    coe = _as(loaded, "carys.llewelyn", "cy")
    started = coe.post("/register/candidates/concessionary-travel-pass/draft")
    assert started.url.path.endswith("/about")
    draft_id = int(started.url.path.split("/")[2])
    again = coe.post("/register/candidates/concessionary-travel-pass/draft")
    page = _page(again)
    assert again.status_code == 400
    assert f"/drafts/{draft_id}/check" in page and "Mae drafft" in page
    check = _page(coe.get(f"/drafts/{draft_id}/check"))
    assert "Trawsnewid Cerdyn teithio rhatach" in check
    assert "Mae'n newid Cerdyn teithio rhatach" in check and "Transform" not in check
    # Someone else's open draft for a candidate is named, not opened.
    with session_scope(engine_for(loaded.database_url)) as session:
        permit = _id(session, "road-works-permit")
        session.add(
            Draft(
                person_id="lucy.green",
                kind="initiative",
                dg_code="EST",
                service_link="changes",
                service_id=permit,
            )
        )
    elsewhere = _page(coe.post("/register/candidates/road-works-permit/draft"))
    assert "drafft a ddechreuodd Lucy Green ar" in elsewhere
    assert "(dim ond nhw all ei agor)" in elsewhere
    officer = _as(loaded, "lucy.green", "en")
    assert officer.post("/register/candidates/concessionary-travel-pass/draft").status_code == 404
    with session_scope(engine_for(loaded.database_url)) as session:
        drafts = session.exec(select(Draft).where(Draft.person_id == "carys.llewelyn")).all()
    assert [d.id for d in drafts] == [draft_id]  # the refusals wrote nothing
    coe.close()
    officer.close()


def test_assessments_show_on_the_coes_page_once_sent_and_in_public_once_published(
    loaded: Site,
):
    from models.working_days import london_today
    from services.decide import DecisionRequest, record_decision
    from services.service_links import set_link
    from tests.assessment_support import assess_and_report
    from tests.factories import open_task, publish_report_row

    engine, reg = engine_for(loaded.database_url), registry(ROOT / "checklists" / "data")
    submission, task = submit_example(loaded, EXAMPLES / "02-new-service-alpha-amber.yaml")
    sid = submission.id or 0
    with session_scope(engine) as session:
        request = DecisionRequest(sid, task.stage, "approve", "Iawn.", task.assignee_id or "")
        record_decision(session, request, reg)
        assert open_task(session, sid).stage == "service_assessment"
        service = session.exec(select(Service).where(Service.slug == "road-works-permit")).one()
        set_link(session, sid, "changes", service, "carys.llewelyn")
    public = Browserless(loaded)
    assert "Service Standard assessments" not in _page(public.get("/services/road-works-permit"))
    assess_and_report(engine, reg, sid, london_today())  # the report sent to the team
    coe = _as(loaded, "james.oconnor", "en")
    record = _page(coe.get("/register/services/road-works-permit"))
    assert "alpha assessment on" in record and ": amber" in record
    page = _page(public.get("/services/road-works-permit"))
    assert "Service Standard assessments" not in page  # sent, not published
    publish_report_row(engine, sid, "road-works-alpha")
    page = _page(public.get("/services/road-works-permit"))
    assert 'href="/reports/road-works-alpha"' in page
    assert "Service Standard assessments" in page and "alpha assessment on" in page
    assert submission.reference not in page and submission.title_en not in page
    public.get("/language/cy?next=/services/road-works-permit")
    welsh = _page(public.get("/services/road-works-permit"))
    assert "Asesiadau Safon Gwasanaeth" in welsh and "Asesiad alffa ar" in welsh
    assert ": ambr" in welsh and "Service Standard assessments" not in welsh
    coe.close()
    public.close()
