"""Issue 13's mandate card, clicked and typed as the committee's secretary does it, at
1366×900 and on a 390×844 phone, in Danish; axe and the Content-Security-Policy on every page.

Story: after the meeting, the secretary opens the innovation, goes through the mandate form's
questions with what the committee decided, previews the card as it will read in the minutes,
records it; months later the committee amends the frame, and the card's page shows both
versions side by side.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from decisions.mandate import MandateCard
from innovations.models import Innovation

from ..lifecycle import raise_need
from .conftest import DESKTOP, PHONE, _new_page, assert_accessible, screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(WIDTHS))
def device(request, browser, live_server):
    context, page = _new_page(browser, live_server, WIDTHS[request.param])
    page.width_name = request.param
    yield page
    context.close()


def check(page, name: str) -> None:
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"
    screenshot(page, f"{page.width_name}-mandate-{name}")


def today() -> datetime.date:
    return timezone.localdate()


def test_the_secretary_gives_a_mandate_previews_the_card_and_amends_it(device, copenhagen):
    page = device
    innovation = raise_need(copenhagen)
    sign_in(page, copenhagen.secretary)

    page.goto(f"/innovations/{innovation.pk}/")
    page.click("#mandate-link")
    page.click("#record-mandate")
    assert "Hvad skal den nye løsning tjene" in page.inner_text("main")
    check(page, "form")

    page.fill("#id_card-value_direction", "Ældre skal kunne blive længere i eget hjem.")
    page.fill("#id_card-budget", "1.250.000,50")
    page.fill("#id_card-deadline", (today() - datetime.timedelta(days=3)).isoformat())
    page.fill("#id_card-scope", "Hjemmeplejen i to distrikter.")
    page.fill("#id_card-solution_space", "Teknologi og organisering er åbne.")
    page.fill("#id_indicators-0-name", "Ventetid på hjælp")
    page.fill("#id_indicators-0-unit", "dage")
    page.fill("#id_indicators-0-baseline", "14")
    page.fill("#id_indicators-0-baseline_date", (today() - datetime.timedelta(days=20)).isoformat())
    page.fill("#id_indicators-0-target", "7,5")
    page.fill("#id_indicators-0-measurement", "Gennemsnit af visitationssager.")
    page.check("#id_card-involve_0")  # citizens
    page.check("#id_card-involve_2")  # staff
    page.fill("#id_card-follow_up_months", "3")
    page.fill("#id_card-stop_criteria", "Hvis trygheden falder.")
    page.select_option("#id_decision-meeting", str(copenhagen.meeting.pk))
    page.fill("#id_decision-agenda_item", "Punkt 3")
    page.fill("#id_decision-resolution", "Udvalget giver mandat efter indstillingen.")

    page.click("#preview-button")
    page.wait_for_selector("#id_card-deadline_errors")
    assert "fortiden" in page.inner_text("#id_card-deadline_errors")
    page.fill("#id_card-deadline", today().replace(year=today().year + 2).isoformat())
    page.click("#preview-button")
    page.wait_for_selector("#mandate-preview")
    preview = page.inner_text("#mandate-preview")
    assert "1.250.000,50 kr." in preview
    assert "Ventetid på hjælp" in preview and "7,5 dage" in preview
    assert not MandateCard.objects.exists()
    check(page, "preview")

    page.click("#record-button")
    page.wait_for_selector("#current-card")
    assert "version 1" in page.inner_text("#current-card")
    assert Innovation.objects.get(pk=innovation.pk).state == "exploring"
    check(page, "card")

    page.click("#record-mandate")
    assert page.input_value("#id_indicators-0-name") == "Ventetid på hjælp"
    page.fill("#id_card-budget", "2.000.000")
    page.select_option("#id_decision-meeting", str(copenhagen.meeting.pk))
    page.fill("#id_decision-agenda_item", "Punkt 8")
    page.fill("#id_decision-resolution", "Udvalget udvider rammen.")
    page.click("#preview-button")
    page.wait_for_selector("#mandate-preview .changed-tag")
    page.click("#record-button")
    page.wait_for_selector("#versions")
    versions = page.inner_text("#versions")
    assert "Version 1" in versions and "Version 2" in versions
    assert page.locator("#versions td.changed").count() == 1
    check(page, "versions")
    assert MandateCard.objects.get(innovation=innovation, version=2).changed_fields == ["budget"]
