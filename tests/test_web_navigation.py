"""Each person is shown only what they can use: every link in the menu opens for whoever sees
it, and "Submit" is offered only to those who may submit (policy officers)."""

from __future__ import annotations

import re

import pytest

from dfr.i18n import gettext
from tests.web_support import Browserless, Site

PEOPLE = {
    "angharad.wyn": True,  # a policy officer: may submit
    "sian.davies": False,  # a lead assessor
    "carys.llewelyn": False,  # the Digital CoE
    "gwenllian.rees": False,  # an administrator
    "gareth.hughes": False,  # a DG's Digital Leader
}
MENU = re.compile(
    r'<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>\s*(.*?)\s*</a>', re.S
)


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("person", list(PEOPLE))
def test_every_menu_link_opens_and_submit_is_only_for_those_who_may(
    site: Site, person: str, language: str
):
    client = Browserless(site)
    client.sign_in(person, language)
    work = client.get("/work")
    menu = {href: re.sub(r"<[^>]+>", "", text) for href, text in MENU.findall(work.text)}
    assert menu.get("/work") == gettext("Your work", language)
    for target in menu:
        assert client.get(target).status_code == 200, target
    may_submit = PEOPLE[person]
    assert ("/submit" in menu) is may_submit
    button = gettext("Submit an initiative or procurement request", language)
    assert (button in work.text) is may_submit
    assert (gettext("Your submissions", language) in work.text) is may_submit
    client.close()
