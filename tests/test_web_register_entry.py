"""Editing a service's register entry on the web, in Welsh and English: the CoE opens "Edit the
entry" from the service's page, finds every field filled in with what the entry says, and saves
a change that the decision log records (before and after) and the public page shows at once.
A wrong entry is shown again with every wrong field listed and nothing changed; saving it
unchanged logs nothing; anyone but the CoE and administrators is told the service does not
exist, exactly as for one that is not on the register."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import pytest
from sqlmodel import col, func, select

from models.audit import LogEntry
from models.db import engine_for, session_scope
from models.service_register import Service
from services.register import entry_cells
from services.register_examples import load_register_examples
from services.register_owners import set_owner
from tests.conftest import ROOT
from tests.cross_language import Sources
from tests.test_web_register_form_errors import assert_form_error
from tests.web_support import Browserless, Site

EDITOR = {"en": "james.oconnor", "cy": "carys.llewelyn"}  # the Digital CoE
CHANGED = "register.service_changed"


@pytest.fixture(scope="module")
def loaded(site: Site) -> Site:
    load_register_examples(engine_for(site.database_url), ROOT / "examples" / "register")
    return site


def _as(site: Site, person: str, language: str = "en") -> Browserless:
    client = Browserless(site)
    client.sign_in(person, language)
    return client


def _page(response) -> str:
    return html.unescape(response.text)


def _entry(site: Site, slug: str) -> dict[str, Any]:
    """What the register holds of service `slug`: every field a person can change, with its
    version and owner."""
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        service = session.exec(select(Service).where(Service.slug == slug)).one()
        return {**service.facts(), "version": service.version, "owner": service.owner_id}


def _log_size(site: Site) -> int:
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        return session.exec(select(func.count()).select_from(LogEntry)).one()


def _changes_logged(site: Site, slug: str) -> list[dict[str, Any]]:
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        entries = session.exec(
            select(LogEntry).where(LogEntry.event == CHANGED).order_by(col(LogEntry.seq))
        ).all()
        return [e.payload for e in entries if e.payload["slug"] == slug]


def _form(site: Site, slug: str, changes: Mapping[str, object] | None = None) -> dict[str, object]:
    """The edit form as it comes filled in for service `slug`, with `changes` typed over it."""
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        cells: dict[str, object] = dict(
            entry_cells(session.exec(select(Service).where(Service.slug == slug)).one())
        )
        cells["version"] = str(_entry(site, slug)["version"])  # the hidden field
    cells["channels"] = str(cells["channels"]).split(";")
    del cells["slug"], cells["dg"]  # the form has neither: an entry keeps them
    return {**cells, **(changes or {})}


def _main(page: str, *names: str) -> str:
    """The page's main part, with the names of services made neutral."""
    found = re.search(r"<main\b.*?</main>", page, re.S)
    assert found is not None
    main = found.group(0)
    for name in names:
        main = main.replace(name, "SERVICE")
    return main


# Per language: a service, what the CoE types over its entry, and what the log says changed
# (field: from, to); a field typed as it was (the customer type) is not a change.
EDITS: dict[str, tuple[str, dict[str, Any], dict[str, tuple[Any, Any]]]] = {
    "en": (
        "road-works-permit",
        {
            "name_en": "Trunk road works permit (streetworks)",
            "description_cy": "Gwneud cais ar-lein am ganiatâd i weithio ar gefnffordd.",
            "customer_type": "businesses",
            "channels": ["online", "phone"],
            "assisted_digital": "yes",
            "phase": "live",
            "web_address": "https://streetworks.gov.wales/permits",
        },
        {
            "name_en": ("Trunk road works permit", "Trunk road works permit (streetworks)"),
            "description_cy": (
                "Gwneud cais am ganiatâd i weithio ar gefnffordd neu draffordd yng Nghymru.",
                "Gwneud cais ar-lein am ganiatâd i weithio ar gefnffordd.",
            ),
            "channels": (["online", "paper"], ["online", "phone"]),
            "assisted_digital": (False, True),
            "phase": ("beta", "live"),
            "web_address": (None, "https://streetworks.gov.wales/permits"),
        },
    ),
    "cy": (
        "mytravelpass",
        {
            "name_cy": "FyNgherdynTeithio i bobl ifanc",
            "description_en": "Apply for cheaper bus and train travel for people aged 16 to 21.",
            "customer_type": "citizens",
            "channels": ["paper", "online"],
            "transaction_type": "registration",
            "web_address": "https://mytravelpass.gov.wales/apply",
        },
        {
            "name_cy": ("FyNgherdynTeithio", "FyNgherdynTeithio i bobl ifanc"),
            "description_en": (
                "Apply for cheaper bus travel for young people aged 16 to 21.",
                "Apply for cheaper bus and train travel for people aged 16 to 21.",
            ),
            "channels": (["online"], ["online", "paper"]),
            "transaction_type": ("benefit", "registration"),
            "web_address": (
                "https://mytravelpass.gov.wales",
                "https://mytravelpass.gov.wales/apply",
            ),
        },
    ),
}
WORDS = {
    "en": {
        "link": "Edit the entry",
        "button": "Save the entry",
        "saved": "The entry is saved and its public page shows it.",
        "channel": "face to face",
    },
    "cy": {
        "link": "Golygu'r cofnod",
        "button": "Cadw'r cofnod",
        "saved": "Mae'r cofnod wedi'i gadw ac mae ei dudalen gyhoeddus yn ei ddangos.",
        "channel": "wyneb yn wyneb",
    },
}


def _other(language: str) -> str:
    return "cy" if language == "en" else "en"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_coe_changes_an_entry_and_the_public_page_shows_it_at_once(loaded: Site, language: str):
    words, others = WORDS[language], WORDS[_other(language)]
    slug, typed, logged = EDITS[language]
    before = _entry(loaded, slug)
    coe = _as(loaded, EDITOR[language], language)
    record = _page(coe.get(f"/register/services/{slug}"))
    assert f'href="/register/services/{slug}/edit">{words["link"]}</a>' in record
    assert others["link"] not in record

    opened = coe.get(f"/register/services/{slug}/edit")
    page = _page(opened)
    assert opened.status_code == 200
    assert f'<h1 class="govuk-heading-l">{words["link"]}</h1>' in page
    assert words["button"] in page and words["channel"] in page
    assert others["button"] not in page and others["channel"] not in page
    assert Sources.load().leaks_in_page(opened.text, language) == []
    # Filled in with what the entry says, every field.
    assert f'value="{before["name"]["en"]}"' in page and f'value="{before["name"]["cy"]}"' in page
    assert before["description"]["en"] in page and before["description"]["cy"] in page
    assert f'value="{before["web_address"] or ""}"' in page
    assert re.search(rf'value="{before["transaction_type"]}" selected', page)
    assert re.search(rf'value="{before["phase"]}" selected', page)
    assert re.search(rf'value="{before["customer_type"]}" checked', page)
    for channel in before["channels"]:
        assert re.search(rf'value="{channel}" checked', page)
    assisted = "yes" if before["assisted_digital"] else "no"
    assert re.search(rf'name="assisted_digital" type="radio" value="{assisted}" checked', page)

    # What the form sends for the address and DG is not read: an entry keeps both.
    form = _form(loaded, slug, {**typed, "slug": "somewhere-else", "dg": "HSS"})
    saved = coe.post(f"/register/services/{slug}/edit", form)
    assert saved.status_code == 200
    assert saved.url.path == f"/register/services/{slug}" and saved.url.query == b"entry=saved"
    page = _page(saved)
    assert words["saved"] in page and others["saved"] not in page
    assert Sources.load().leaks_in_page(saved.text, language) == []

    after = _entry(loaded, slug)
    assert (after["slug"], after["dg"]) == (slug, before["dg"])
    assert after["version"] == before["version"] + 1
    [change] = _changes_logged(loaded, slug)
    assert change["version"] == after["version"]
    assert change["changes"] == {
        name: {"from": old, "to": new} for name, (old, new) in logged.items()
    }

    public = Browserless(loaded)
    public.get(f"/language/{language}?next=/services/{slug}")
    shown = _page(public.get(f"/services/{slug}"))
    for name, (_old, new) in logged.items():
        if name.endswith(f"_{language}"):
            assert new in shown
    assert typed["web_address"] in shown
    coe.close()
    public.close()


# -- bad input: every wrong field, nothing changed ------------------------------------------

WRONG: dict[str, object] = {
    "name_en": "",
    "description_cy": "x" * 2001,
    "transaction_type": "",
    "channels": [],
    "web_address": "www.gov.wales/blue-badge",
    "name_cy": "Bathodyn Glas wedi'i newid",  # right, and kept as typed
}
MESSAGES = {
    "en": {
        "name_en": "It is empty: every entry is described in Welsh and English.",
        "description_cy": "It is too long: a name has up to 200 characters",
        "transaction_type": "Choose the type of transaction.",
        "channels": "Choose at least one channel the service offers.",
        "web_address": "It must be a web address starting with https:// or http://",
    },
    "cy": {
        "name_en": "Mae'n wag: disgrifir pob cofnod yn Gymraeg ac yn Saesneg.",
        "description_cy": "Mae'n rhy hir: mae hyd at 200 nod mewn enw",
        "transaction_type": "Dewiswch y math o drafodiad.",
        "channels": "Dewiswch o leiaf un sianel y mae'r gwasanaeth yn ei chynnig.",
        "web_address": "Rhaid iddo fod yn gyfeiriad gwe sy'n dechrau â https:// neu http://",
    },
}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_wrong_entry_lists_every_wrong_field_and_changes_nothing(loaded: Site, language: str):
    slug = "concessionary-travel-pass"
    before, log = _entry(loaded, slug), _log_size(loaded)
    coe = _as(loaded, EDITOR[language], language)
    coe.get(f"/register/services/{slug}/edit")
    refused = coe.post(f"/register/services/{slug}/edit", _form(loaded, slug, WRONG))
    messages = MESSAGES[language]
    page = assert_form_error(refused, language, "name_en", *messages.values())
    for field, message in messages.items():
        assert f'href="#{field}"' in page  # in the summary, linking to the field
        beside = re.search(rf'<p id="{field}-error"[^>]*>(.*?)</p>', page, re.S)
        assert beside is not None and message in beside.group(1), field
    assert page.count('class="govuk-error-message"') == len(messages)
    assert [m for m in MESSAGES[_other(language)].values() if m in page] == []
    # What was typed is kept, the right and the wrong.
    assert 'value="www.gov.wales/blue-badge"' in page
    assert "Bathodyn Glas wedi'i newid" in page and "x" * 2001 in page
    assert not re.search(r'name="channels" type="checkbox" value="\w+" checked', page)
    assert _entry(loaded, slug) == before and _log_size(loaded) == log
    coe.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_saving_an_entry_unchanged_logs_nothing(loaded: Site, language: str):
    slug = "business-wales-support"
    before, log = _entry(loaded, slug), _log_size(loaded)
    coe = _as(loaded, EDITOR[language], language)
    coe.get(f"/register/services/{slug}/edit")
    saved = coe.post(f"/register/services/{slug}/edit", _form(loaded, slug))
    assert saved.url.path == f"/register/services/{slug}"
    told = {
        "en": "Nothing was changed: the entry already said that.",
        "cy": "Ni newidiwyd dim: roedd y cofnod yn dweud hynny eisoes.",
    }
    assert told[language] in _page(saved) and told[_other(language)] not in _page(saved)
    assert _entry(loaded, slug) == before and _log_size(loaded) == log
    assert _changes_logged(loaded, slug) == []
    coe.close()


# -- who may: deny by default -----------------------------------------------------------------


def test_anyone_but_the_coe_and_administrators_is_told_the_service_does_not_exist(loaded: Site):
    slug = "student-finance-wales"
    with session_scope(engine_for(loaded.database_url)) as session:
        set_owner(session, "carys.llewelyn", slug, "lucy.green")
    before, log = _entry(loaded, slug), _log_size(loaded)
    admin = _as(loaded, "gwenllian.rees", "en")
    assert admin.get(f"/register/services/{slug}/edit").status_code == 200
    missing = admin.get("/register/services/no-such-service/edit")
    assert missing.status_code == 404
    expected = _main(missing.text, "no-such-service")
    assert "Page not found" in expected and "There is no service SERVICE on the register." in (
        html.unescape(expected)
    )
    form = _form(loaded, slug, {"name_en": "Taken over"})
    # The owner (who sees the service's page, without a way to edit it), a policy officer,
    # and the service's DG's Digital Leader.
    for person in ("lucy.green", "iwan.parry", "gareth.hughes"):
        client = _as(loaded, person, "en")
        if person == "lucy.green":
            record = _page(client.get(f"/register/services/{slug}"))
            assert "Student Finance Wales" in record and "Edit the entry" not in record
        refused = client.get(f"/register/services/{slug}/edit")
        assert refused.status_code == 404, person
        assert _main(refused.text, slug) == expected, person
        assert (
            _main(client.get("/register/services/no-such-service/edit").text, "no-such-service")
            == expected
        )
        client.get(f"/register/services/{slug}")  # a page with a form: a CSRF token
        posted = client.post(f"/register/services/{slug}/edit", form)
        assert posted.status_code == 404, person
        assert _main(posted.text, slug) == expected, person
        client.close()
    assert _entry(loaded, slug) == before and _log_size(loaded) == log
    admin.close()


def test_a_retired_service_is_not_edited(loaded: Site):
    slug = "economic-resilience-grant"  # retired on the example register
    before, log = _entry(loaded, slug), _log_size(loaded)
    coe = _as(loaded, "carys.llewelyn", "cy")
    record = _page(coe.get(f"/register/services/{slug}"))
    assert "wedi'i ddirwyn i ben" in record and "Golygu'r cofnod" not in record
    refused = coe.get(f"/register/services/{slug}/edit")
    assert refused.status_code == 404
    assert f"Mae'r gwasanaeth {slug} wedi'i ddirwyn i ben" in _page(refused)
    posted = coe.post(f"/register/services/{slug}/edit", _form(loaded, slug, {"phase": "live"}))
    assert posted.status_code == 404
    assert _entry(loaded, slug) == before and _log_size(loaded) == log
    coe.close()


def test_an_edit_without_the_forms_token_is_refused(loaded: Site):
    slug = "childcare-offer"
    before, log = _entry(loaded, slug), _log_size(loaded)
    coe = _as(loaded, "james.oconnor", "en")
    coe.get(f"/register/services/{slug}/edit")
    form = _form(loaded, slug, {"name_en": "Forged"})
    for token in (None, "not-the-sessions-token"):
        posted = coe.post(
            f"/register/services/{slug}/edit",
            form if token is None else {**form, "csrf_token": token},
            csrf=False,
        )
        assert posted.status_code == 403
        assert "This form has expired or did not come from this service." in _page(posted)
    assert _entry(loaded, slug) == before and _log_size(loaded) == log
    coe.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_change_saved_meanwhile_is_not_undone_unseen(loaded: Site, language: str):
    """Two of the CoE open the same entry; the second to save is told, keeps what they typed,
    and replaces the other change only by saving again."""
    slug = "healthy-start"
    first, second = _as(loaded, EDITOR[language], language), _as(loaded, "gwenllian.rees", language)
    opened = _form(loaded, slug)  # both forms show this version
    first.get(f"/register/services/{slug}/edit")
    second.get(f"/register/services/{slug}/edit")
    saved = first.post(
        f"/register/services/{slug}/edit", {**opened, "name_en": "Healthy Start (first edit)"}
    )
    assert saved.url.path == f"/register/services/{slug}"
    after_first, log = _entry(loaded, slug), _log_size(loaded)
    theirs = {**opened, "name_en": "Healthy Start (second edit)"}
    refused = second.post(f"/register/services/{slug}/edit", theirs)
    told = {
        "en": "Someone else saved a change to this entry after you opened it.",
        "cy": "Mae rhywun arall wedi cadw newid i'r cofnod hwn ar ôl i chi ei agor.",
    }
    page = _page(refused)
    assert refused.status_code == 400
    summary = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>', page, re.S)
    assert summary is not None and told[language] in summary.group(0)
    assert 'href="#name_en"' in summary.group(0)  # to the form's first field
    assert told[_other(language)] not in page
    assert Sources.load().leaks_in_page(refused.text, language) == []
    assert 'value="Healthy Start (second edit)"' in page  # what they typed is kept
    assert _entry(loaded, slug) == after_first and _log_size(loaded) == log
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None and int(version.group(1)) == after_first["version"]
    # Saving again, knowingly, replaces the first edit.
    again = second.post(f"/register/services/{slug}/edit", {**theirs, "version": version.group(1)})
    assert again.url.path == f"/register/services/{slug}"
    assert _entry(loaded, slug)["name"]["en"] == "Healthy Start (second edit)"
    first.close()
    second.close()


def _form_labels(page: str) -> dict[str, str]:
    """Each field of an entry's form by its name, labelled as a person reads it: an input's
    label, or the legend of a group of radios or checkboxes."""
    found = {
        field: " ".join(text.split())
        for field, text in re.findall(
            r'<label class="govuk-label govuk-label--s" for="(\w+)">(.*?)</label>', page, re.S
        )
    }
    for text, field in re.findall(r"<legend[^>]*>(.*?)</legend>.*?name=\"(\w+)\"", page, re.S):
        found[field] = " ".join(text.split())
    return found


def _other_values(site: Site, slug: str, language: str) -> list[str]:
    """`dfr register change` options giving every field of entry `slug` a new value."""
    from services.register_desk import transaction_type_names

    with session_scope(engine_for(site.database_url), read_only=True) as session:
        now = entry_cells(session.exec(select(Service).where(Service.slug == slug)).one())
        types = transaction_type_names(session, "en")
    channels = "online;paper" if now["channels"] != "online;paper" else "online;phone"
    return [
        "--name-en", now["name_en"] + " (new)",
        "--name-cy", now["name_cy"] + " (newydd)",
        "--description-en", now["description_en"] + " More.",
        "--description-cy", now["description_cy"] + " Mwy.",
        "--transaction-type", next(t for t in types if t != now["transaction_type"]),
        "--customer-type", "businesses" if now["customer_type"] != "businesses" else "citizens",
        "--channels", channels,
        "--assisted-digital", "no" if now["assisted_digital"] == "yes" else "yes",
        "--phase", "live" if now["phase"] != "live" else "beta",
        "--web-address", f"https://example.org/{slug}/{language}",
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_command_line_names_each_field_as_the_edit_form_labels_it(
    loaded: Site, capsys: pytest.CaptureFixture[str], language: str
):
    """`dfr register change` prints each field it changed under the name the web's form gives
    it, in the same language: one list of names serves both (dfr.labels.REGISTER_FIELDS)."""
    from dfr.cli.main import main

    client = _as(loaded, EDITOR[language], language)
    form = _form_labels(_page(client.get("/register/services/road-works-permit/edit")))
    client.close()
    options = _other_values(loaded, "road-works-permit", language)
    code = main(["--lang", language, "register", "change", "road-works-permit",
                 "--as", EDITOR[language], *options])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out.err
    printed = dict(line.strip().split(": ", 1) for line in out.out.splitlines()[1:])
    fields = {
        "en": ("Name in English", "Who uses it", "Help to use it online (assisted digital)"),
        "cy": ("Enw yn Saesneg", "Pwy sy'n ei ddefnyddio",
               "Help i'w ddefnyddio ar-lein (digidol â chymorth)"),
    }[language]  # fmt: skip
    assert (form["name_en"], form["customer_type"], form["assisted_digital"]) == fields
    assert len(form) == len(printed) == 10  # every field the form edits, changed
    assert set(printed) == set(form.values())
    # the two names, told apart by their new values
    assert printed[form["name_en"]].endswith(" (new)")
    assert printed[form["name_cy"]].endswith(" (newydd)")
