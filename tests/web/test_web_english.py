"""English mode is English (issue 12): every message a page shows is translated, and dates
have one format per language.

The walk: each persona's pages in English, with the evidence, checkpoints, reasons and
notifications that bring the engine's messages onto them. No Danish text of the catalogue
(the Danish translation of any message) may appear, and no Danish-format date; the same
pages in Danish show Danish dates only.
"""

from __future__ import annotations

import datetime
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from decisions import services as decision_services
from reminders.services import create_checkpoint

from ..factories import DecisionFactory, InnovationFactory
from ..lifecycle import innovation_in

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"
DANISH_DATE = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b")
ENGLISH_DATE = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.? \d{4}\b")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


def danish_fragments() -> set[str]:
    """The Danish texts of the catalogue, cut at their placeholders: what only a message left
    untranslated in English (or written in Danish in code) would put on an English page."""
    from .test_web_i18n import read_po

    fragments = set()
    for entry in read_po(LOCALE / "da" / "LC_MESSAGES" / "django.po"):
        for text in entry["msgstr"].values():
            if text == entry["msgid"]:
                continue
            for part in PLACEHOLDER.split(text):
                part = part.strip(" .,:;–-()“”\n")
                # long enough to be a message, not a shared word or a name
                if len(part) >= 18 and " " in part and part not in entry["msgid"]:
                    fragments.add(part)
    return fragments


def visible_text(page: str) -> str:
    body = page[page.index("<body") :]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def world(copenhagen):
    today = timezone.localdate()
    raised = InnovationFactory(
        committee=copenhagen.committee,
        owner=copenhagen.official,
        title="Robot vacuum cleaners",
        intended_values=["quality"],
    )
    exploring = innovation_in(copenhagen, "exploring", title="Sensors in homes")
    # evidence of the wrong kind and a postponed decision: the engine's reasons show
    DecisionFactory(innovation=exploring, meeting=copenhagen.meeting, transition="pause")
    decision_services.record_decision(
        actor=copenhagen.secretary,
        innovation=raised,
        meeting=copenhagen.meeting,
        agenda_item="Item 3",
        outcome="postponed",
        transition="mandate",
        resolution="Postponed to the next meeting.",
        votes_for=1,
        votes_against=1,
        follow_up_date=today + datetime.timedelta(days=30),
    )
    for kind, days in (("follow_up", 3), ("decision", 0), ("documentation", 1)):
        create_checkpoint(
            actor=copenhagen.administrator,
            innovation=exploring,
            kind=kind,
            due_date=today + datetime.timedelta(days=days),
        )
    return {"raised": raised, "exploring": exploring}


def urls_of(copenhagen, world) -> dict[str, list[str]]:
    raised, exploring = world["raised"].pk, world["exploring"].pk
    meeting = copenhagen.meeting.pk
    return {
        "secretary": [
            "/",
            "/meetings/",
            f"/meetings/{meeting}/",
            f"/meetings/{meeting}/?innovation={exploring}&transition=approve_test",
            f"/innovations/{exploring}/",
            f"/innovations/{raised}/",
            "/innovations/",
        ],
        "politician": ["/", "/my/follow-ups/", "/my/notifications/", "/my/calendar/"],
        "official": ["/", "/my/innovations/", f"/innovations/{raised}/evaluation/"],
        "administrator": ["/", "/portfolio/", "/portfolio/rules/", "/barometer/", "/catalogue/"],
    }


def walk(client, copenhagen, world, language: str):
    for persona, urls in urls_of(copenhagen, world).items():
        person = getattr(copenhagen, persona)
        person.language = language
        person.save(update_fields=["language"])
        client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (persona, url, response.status_code)
            yield persona, url, visible_text(response.content.decode())


def test_in_english_no_page_shows_a_danish_message_or_a_danish_date(client, copenhagen, world):
    fragments = danish_fragments()
    assert len(fragments) > 300  # the catalogue was read
    seen_dates = 0
    for persona, url, text in walk(client, copenhagen, world, "en"):
        danish = sorted(f for f in fragments if f in text)
        assert not danish, (persona, url, danish[:5])
        assert not DANISH_DATE.findall(text), (persona, url, DANISH_DATE.findall(text)[:3])
        seen_dates += len(ENGLISH_DATE.findall(text))
    assert seen_dates > 5  # the pages do show dates, in English


def test_in_danish_the_same_pages_show_danish_dates_only(client, copenhagen, world):
    for persona, url, text in walk(client, copenhagen, world, "da"):
        assert not ENGLISH_DATE.findall(text), (persona, url, ENGLISH_DATE.findall(text)[:3])
