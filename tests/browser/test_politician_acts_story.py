"""Issue 13's story in Chromium: a politician raises a need as a member proposal, follows
it, is told when the committee decides, and reads the committee's report; axe on every page.
Run: DATABASE_URL=... REDIS_URL=... .venv/bin/python -m pytest tests/browser -m browser
"""

from __future__ import annotations

import pytest

from innovations.models import Innovation
from politics.models import MemberProposal
from reminders.models import Follow

from ..lifecycle import record
from .conftest import assert_accessible, screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_politician_raises_a_proposal_follows_it_and_reads_the_report(page, copenhagen):
    sign_in(page, copenhagen.politician)
    page.click("nav.main-nav >> text=Medlemsforslag")
    page.wait_for_load_state()
    assert_accessible(page)
    page.click("#raise-proposal")
    page.wait_for_selector("#proposal-form")
    # an empty form says what is missing, next to each field
    page.click("#proposal-form button[type=submit]")
    page.wait_for_selector("[aria-invalid=true]")
    assert_accessible(page)
    page.select_option("#id_committee", str(copenhagen.committee.pk))
    page.fill("#id_title", "Grønne skolegårde")
    page.fill("#id_need", "Skolegårdene er asfalt; børnene savner skygge og grønt.")
    page.fill("#id_proposal", "Forvaltningen bedes undersøge løsninger med skolerne.")
    page.click("#proposal-form button[type=submit]")
    proposal = MemberProposal.objects.get()
    page.wait_for_url(f"**/innovations/{proposal.innovation_id}/")
    assert "Dit medlemsforslag er på dagsordenen" in page.inner_text(".messages")
    screenshot(page, "desktop-politician-member-proposal")

    # follow it from its page
    page.click("#follow-button")
    page.wait_for_selector("#follow-button[aria-pressed=true]")
    assert Follow.objects.filter(person=copenhagen.politician).exists()
    assert_accessible(page)

    # the secretary gives the mandate at the meeting; the follower is told
    innovation = Innovation.objects.get(pk=proposal.innovation_id)
    record(copenhagen, innovation, "mandate", apply=True)
    page.click("#unread-link")
    page.wait_for_load_state()
    notices = page.inner_text("main")
    assert "Grønne skolegårde" in notices and "gik fra Behov til Udforskning" in notices
    assert_accessible(page)

    # the committee's report shows the mandate with its value direction, and prints clean
    page.click("nav.main-nav >> text=Udvalg")
    page.click(f"a[href='/committees/{copenhagen.committee.pk}/report/']")
    page.wait_for_selector("#report-mandates")
    assert "Grønne skolegårde" in page.inner_text("#report-mandates")
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.locator("nav.main-nav").is_visible()
    assert not page.locator("#report-period").is_visible()
    assert page.locator("#report-mandates").is_visible()
    screenshot(page, "desktop-committee-report-print")
