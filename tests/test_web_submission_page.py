"""The submission page after a resubmission: the stages are grouped by round, the latest first,
so three stages reviewed twice read as two rounds, not six rows in one list."""

from __future__ import annotations

import html
import re

import pytest

from checklists.loader import registry
from dfr.i18n import gettext
from models.db import engine_for
from services.scenarios import run_scenario
from tests.conftest import ROOT
from tests.web_support import Browserless, Site

EXAMPLE = ROOT / "examples" / "submissions" / "07-request-changes-resubmit.yaml"


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
