"""axe-core on every page of the web UI, as each persona sees it: no serious or critical
WCAG 2.1 A/AA violation; and every page fits a 375 px wide phone without sideways scrolling."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ..factories import DecisionFactory, InnovationFactory
from .conftest import (
    PHONE,
    assert_accessible,
    assert_no_csp_violations,
    new_context,
    screenshot,
    sign_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def world(copenhagen):
    from reminders.services import create_checkpoint

    innovation = InnovationFactory(
        committee=copenhagen.committee,
        owner=copenhagen.official,
        title="Robotstøvsugere på plejecentre",
        intended_values=["quality", "efficiency"],
    )
    decision = DecisionFactory(
        innovation=innovation, meeting=copenhagen.meeting, transition="", outcome="postponed"
    )
    create_checkpoint(
        actor=copenhagen.secretary,
        innovation=innovation,
        kind="follow_up",
        due_date=timezone.localdate() + datetime.timedelta(days=3),
        title="Status",
    )
    # an approved mandate, recorded and not yet applied: "Gennemfør" asks to confirm it
    mandated = InnovationFactory(committee=copenhagen.committee, title="Skærmbesøg")
    DecisionFactory(innovation=mandated, meeting=copenhagen.meeting, transition="mandate")
    return {"innovation": innovation, "decision": decision, "mandated": mandated}


def pages_for(copenhagen, world) -> dict[str, list[str]]:
    innovation, decision = world["innovation"].pk, world["decision"].pk
    meeting = copenhagen.meeting.pk
    return {
        "secretary": [
            "/",
            "/meetings/",
            f"/meetings/{meeting}/",
            f"/records/decision/{decision}/correction/",
            "/innovations/",
            f"/innovations/{innovation}/",
            f"/innovations/{world['mandated'].pk}/transitions/mandate/",
            "/catalogue/",
        ],
        "official": [
            "/",
            "/my/innovations/",
            "/innovations/new/",
            f"/innovations/{innovation}/edit/",
            f"/innovations/{innovation}/evaluation/",
            f"/innovations/{innovation}/ask-for-decision/",
            f"/innovations/{innovation}/documents/",
        ],
        "politician": [
            "/",
            "/my/follow-ups/",
            "/my/notifications/",
            "/my/calendar/",
            "/my/preferences/",
            "/my/tokens/",
        ],
        "administrator": [
            "/",
            "/portfolio/",
            "/portfolio/rules/",
            "/barometer/",
            f"/innovations/{innovation}/sharing/",
        ],
    }


def test_the_signed_out_pages_are_accessible(page):
    for url in ("/sign-in/", "/password/reset/", "/password/reset/sent/"):
        page.goto(url)
        assert_accessible(page)
    # A failed sign-in: the error is announced and the fields stay labelled.
    page.goto("/sign-in/")
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong")
    page.click("main button[type=submit]")
    page.wait_for_selector(".errorlist.nonfield")
    assert_accessible(page)


def test_the_lockout_page_is_accessible_and_works_under_the_policy(page, copenhagen, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        page.goto("/sign-in/")
        page.fill("#id_username", copenhagen.secretary.username)
        page.fill("#id_password", "wrong")
        page.click("main button[type=submit]")
    page.wait_for_selector("main [role=alert]")
    assert "prøv igen kl." in page.inner_text("main")
    assert_accessible(page)


def test_swagger_ui_runs_from_our_own_files_under_the_policy(page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Spor API" in page.inner_text(".swagger-ui .info .title")
    assert all(url.startswith(page.url.split("/api/")[0]) for url in requested), requested
    assert_no_csp_violations(page)


def test_every_page_is_accessible_for_each_persona(browser, live_server, copenhagen, world):
    for persona, urls in pages_for(copenhagen, world).items():
        context = new_context(browser, base_url=live_server.url, locale="da-DK")
        page = context.new_page()
        sign_in(page, getattr(copenhagen, persona))
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, (persona, url, response.status)
            assert_accessible(page)
            screenshot(page, f"desktop-{persona}-{slug(url)}")
        context.close()


def test_a_form_with_errors_ties_each_message_to_its_field(page, copenhagen):
    sign_in(page, copenhagen.official)
    page.goto("/innovations/new/")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#id_title_errors")
    assert page.get_attribute("#id_title", "aria-invalid") == "true"
    assert "id_title_errors" in page.get_attribute("#id_title", "aria-describedby")
    assert_accessible(page)


def test_keyboard_users_skip_to_the_content_and_see_where_they_are(page, copenhagen):
    sign_in(page, copenhagen.secretary)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def slug(url: str) -> str:
    return url.strip("/").replace("/", "-") or "home"


def widest(page) -> list[str]:
    """The elements that stick out on the right, to say what to fix."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 8)
            .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )


def test_every_page_fits_a_375_pixel_phone(browser, live_server, copenhagen, world):
    for persona, urls in pages_for(copenhagen, world).items():
        context = new_context(browser, base_url=live_server.url, viewport=PHONE, locale="da-DK")
        page = context.new_page()
        sign_in(page, getattr(copenhagen, persona))
        for url in urls:
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (persona, url, width, widest(page))
            screenshot(page, f"phone-{persona}-{slug(url)}")
        context.close()
