"""Markdown someone wrote (a rationale, checklist guidance, a message) shows no image, in a page
or in an email: an image would be fetched from someone else's server as the reader opens it,
telling them who read it and when. Every link in it is marked not to pass on who followed it."""

from __future__ import annotations

import re

import pytest

from dfr.markdown import markdown_to_html
from dfr.settings import get_settings
from harness.fakes.smtp import Mailbox, SmtpServer
from models.db import session_scope
from notifications.delivery import build_channels, deliver_until_settled
from notifications.queue import queue_for_submission
from tests.factories import decide, load_people, make_submission
from tests.web_support import Site, rationale_shown

RATIONALE = (
    "Looks **fine**. ![tracker](https://evil.example/x.png) "
    '<img src="https://evil.example/y.png" alt="y"> '
    "See [the standard](https://www.gov.wales/digital-service-standard)."
)
REL = 'rel="noopener noreferrer nofollow"'


def assert_no_image_and_safe_links(html: str) -> None:
    assert "<strong>fine</strong>" in html  # the Markdown is still rendered…
    assert "<img" not in html and "evil.example" not in html  # …without its images
    links = re.findall(r"<a\b[^>]*>", html)
    assert links, html
    for link in links:
        assert REL in link, link


@pytest.mark.parametrize(
    "text",
    [
        "![x](https://evil.example/x.png)",
        '<img src="https://evil.example/x.png">',
        "![x][ref]\n\n[ref]: https://evil.example/x.png",
        '<map name="m"><area href="https://evil.example/" shape="rect"></map>',
        "[![x](https://evil.example/x.png)](https://evil.example/)",
    ],
)
def test_no_image_survives_in_any_form(text: str):
    html = markdown_to_html(text)
    assert "<img" not in html and "<area" not in html
    assert "evil.example/x.png" not in html


def test_a_link_says_not_to_pass_on_who_followed_it_and_odd_schemes_go():
    html = markdown_to_html(
        "[a](https://example.org) [b](mailto:x@example.org) [c](javascript:alert(1)) "
        "[d](data:text/html,x)"
    )
    assert f'<a href="https://example.org" {REL}>a</a>' in html
    assert f'<a href="mailto:x@example.org" {REL}>b</a>' in html
    assert "javascript:" not in html and "data:" not in html


def test_a_rationale_shows_no_image_on_the_submission_page(site: Site):
    shown, page = rationale_shown(site, RATIONALE)
    assert_no_image_and_safe_links(shown)
    assert "evil.example" not in page


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_rationale_shows_no_image_in_the_email(engine, monkeypatch, checklist_registry):
    with SmtpServer(Mailbox()) as mailbox:
        monkeypatch.setenv("DFR_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("DFR_SMTP_PORT", str(mailbox.port))
        get_settings.cache_clear()
        load_people(engine)
        sid = make_submission(engine, checklist_registry)
        decide(
            engine,
            checklist_registry,
            sid,
            "digital_options_review",
            "approve",
            "dl.est",
            rationale=RATIONALE,
        )
        settings = get_settings()
        with session_scope(engine) as session:
            queue_for_submission(session, sid, checklist_registry, settings)
        deliver_until_settled(engine, build_channels(settings), settings, sid)
        [told] = [m for m in mailbox.to("p@example.org") if "Digital-options" in m["Subject"]]
    html = told.get_body(("html",)).get_content()
    assert_no_image_and_safe_links(html)
