"""Issue 12's stories, each clicked and typed as the person does it, at 1366×900 and on a
390×844 phone, in Danish and (where the words matter) in English; axe on every page.

Run: DATABASE_URL=... REDIS_URL=... .venv/bin/python -m pytest tests/browser -m browser
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from innovations.models import Innovation, State

from ..catalogue_world import evaluation_of, shared_innovation
from ..factories import InnovationFactory, MeetingFactory
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


def is_phone(page) -> bool:
    return page.width_name == "phone"


def go(page, label: str) -> None:
    """Follow a menu entry as the person would: the bar on a desktop, the menu on a phone."""
    if is_phone(page):
        page.click("#phone-menu > summary")
        page.click(f".phone-nav >> text={label}")
    else:
        page.click(f"nav.main-nav >> text={label}")
    page.wait_for_load_state()


def switch_language(page, language: str) -> None:
    suffix = "-phone" if is_phone(page) else ""
    if is_phone(page):
        page.click("#phone-menu > summary")
    page.select_option(f"#language-switch{suffix}", language)
    page.click(f"#language-switch{suffix} ~ button")
    page.wait_for_load_state()


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def check(page, name: str) -> None:
    assert_accessible(page)
    fits(page)
    screenshot(page, f"{page.width_name}-{name}")


def today() -> datetime.date:
    return timezone.localdate()


# --- Secretary ---------------------------------------------------------------------------------


def test_a_secretary_starts_at_todays_meeting_and_the_next(device, copenhagen):
    page = device
    todays = copenhagen.meeting  # the committee's meeting today, made by the shared world
    assert todays.date == today()
    following = MeetingFactory(
        committee=copenhagen.committee, date=today() + datetime.timedelta(days=14)
    )
    MeetingFactory(committee=copenhagen.committee, date=today() + datetime.timedelta(days=300))
    innovation = InnovationFactory(committee=copenhagen.committee, title="Sensorer i boliger")
    from reminders.services import create_checkpoint

    create_checkpoint(
        actor=copenhagen.secretary,
        innovation=innovation,
        kind="follow_up",
        due_date=today() + datetime.timedelta(days=10),
    )

    sign_in(page, copenhagen.secretary)
    card = page.locator(f"#overview-{copenhagen.committee.pk}")
    assert "I dag" in card.locator(".last-meeting").inner_text()
    assert "Sensorer i boliger" in card.inner_text()
    check(page, "secretary-overview")
    card.locator("a.record-items").click()
    page.wait_for_url(f"**/meetings/{todays.pk}/#record-decision")
    assert page.locator("#record-decision").is_visible()

    go(page, "Møder")
    today_row = page.locator("tr#meeting-today")
    assert "I dag" in today_row.inner_text()
    check(page, "secretary-meetings")
    # a new meeting with its time, typed in
    page.select_option("#id_committee", str(copenhagen.committee.pk))
    page.fill("#id_date", (today() + datetime.timedelta(days=21)).isoformat())
    page.fill("#id_start_time", "16:30")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/meetings/*/")
    added = copenhagen.committee.meetings.get(date=today() + datetime.timedelta(days=21))
    assert added.start_time == datetime.time(16, 30)

    go(page, "Overblik")
    page.click(f"#overview-{copenhagen.committee.pk} h3 a[href='/meetings/{following.pk}/']")
    page.wait_for_url(f"**/meetings/{following.pk}/")
    check(page, "secretary-next-meeting")


# --- Politician --------------------------------------------------------------------------------


def _reminded(world, innovation, kind="follow_up", days=8):
    from reminders.delivery import deliver_all_pending
    from reminders.services import create_checkpoint
    from reminders.sweep import sweep

    checkpoint = create_checkpoint(
        actor=world.administrator,
        innovation=innovation,
        kind=kind,
        due_date=today() + datetime.timedelta(days=days),
    )
    checkpoint.refresh_from_db()
    sweep(now=max(checkpoint.next_reminder_at, timezone.now()), enqueue=False)
    deliver_all_pending()
    return checkpoint


def test_a_politician_opens_a_reminder_reads_the_papers_and_subscribes(
    device, copenhagen, settings
):
    page = device
    settings.SITE_URL = "https://spor.example.dk"
    innovation = InnovationFactory(
        committee=copenhagen.committee,
        owner=copenhagen.official,
        title="Skærmbesøg i hjemmeplejen",
        intended_values=["quality"],
    )
    from innovations.services import submit_status_report

    submit_status_report(
        actor=copenhagen.official,
        innovation=innovation,
        assessment="at_risk",
        summary="Leverandøren er forsinket.",
    )
    evaluation_of(
        innovation,
        copenhagen.official,
        effects={"quality": {"effect": "improved", "basis": "measured", "text": "Kortere ture."}},
        recommendation="Kan spredes til alle distrikter.",
    )
    _reminded(copenhagen, innovation, days=8)
    _reminded(copenhagen, innovation, kind="documentation", days=9)
    MeetingFactory(
        committee=copenhagen.committee,
        date=today() + datetime.timedelta(days=5),
        start_time=datetime.time(15, 0),
    )

    sign_in(page, copenhagen.politician)
    if is_phone(page):
        header = page.evaluate("document.querySelector('.site-header').offsetHeight")
        assert header <= 70, f"the header takes {header}px"
        assert not page.locator(".phone-nav").is_visible()
    # only what the committee decides or follows up
    follow_ups = page.locator("section[aria-labelledby=home-follow-ups]").inner_text()
    assert "Opfølgning" in follow_ups and "Dokumentation" not in follow_ups
    link = page.locator(".notification-links button", has_text="Opfølgning").first
    assert "forfalder om 8 dage" in link.inner_text()
    check(page, "politician-overview")
    link.click()
    page.wait_for_url(f"**/innovations/{innovation.pk}/**")
    # the one opened is read; the documentation reminder is still unread
    assert page.evaluate("document.querySelector('#unread-count').textContent.trim()") == "1"
    assert copenhagen.politician.notifications.filter(unread=True).count() == 1

    assert "Leverandøren er forsinket." in page.inner_text("#latest-status-report")
    evaluation = page.inner_text("#latest-evaluation")
    assert "Forbedret" in evaluation and "Kan spredes til alle distrikter." in evaluation
    check(page, "politician-innovation-papers")

    go(page, "Kalender")
    feed = page.input_value("#feed-url")
    assert feed.startswith("https://spor.example.dk/calendar/")
    page.click("#copy-feed")
    page.wait_for_selector("#copy-status:has-text('Adressen er kopieret.')")
    assert "kl. 15:00" in page.inner_text("#calendar-meetings")
    check(page, "politician-calendar")

    switch_language(page, "en")
    assert "Copy the address" in page.inner_text("#copy-feed")
    assert "at 15:00" in page.inner_text("#calendar-meetings")
    day = today() + datetime.timedelta(days=5)
    assert f"{day.day} {day:%B %Y}" in page.inner_text("#calendar-meetings")
    check(page, "politician-calendar-en")
    go(page, "Notifications")
    assert "Follow-up" in page.inner_text(".notification-list")
    assert "Opfølgning" not in page.inner_text("main")
    check(page, "politician-notifications-en")


# --- Official ----------------------------------------------------------------------------------


def test_an_official_raises_an_innovation(device, copenhagen):
    page = device
    copenhagen.official.title = "Projektleder, Sundhed"
    copenhagen.official.save(update_fields=["title"])

    sign_in(page, copenhagen.official)
    go(page, "Mine innovationer")
    page.goto("/innovations/new/")
    options = page.locator("#id_owner option").all_inner_texts()
    assert any("Projektleder, Sundhed" in o for o in options)
    assert not any(str(copenhagen.politician.get_full_name()) in o for o in options)
    page.fill("#id_title", "Hjemmetræning med video")
    page.fill("#id_need", "Borgerne venter på genoptræning.")
    page.select_option("#id_committee", str(copenhagen.committee.pk))
    page.select_option("#id_owner", str(copenhagen.official.pk))
    # the frame (budget, deadline) is the mandate card's: test_mandate_stories types it
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")
    assert Innovation.objects.filter(title="Hjemmetræning med video").exists()
    check(page, "official-innovation")


# --- Administrator -----------------------------------------------------------------------------


def svg_texts_fit(page) -> None:
    """In the browser's own layout: no text of a chart sticks out of it or overlaps another."""
    problems = page.evaluate(
        """() => {
          const out = [];
          for (const svg of document.querySelectorAll('svg.chart')) {
            const box = svg.getBoundingClientRect();
            const rects = [...svg.querySelectorAll('text')].map(t => [t, t.getBoundingClientRect()]);
            for (const [t, r] of rects) {
              if (r.left < box.left - 1 || r.right > box.right + 1) out.push('clipped: ' + t.textContent);
            }
            for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
              const [a, ra] = rects[i], [b, rb] = rects[j];
              const apart = ra.right <= rb.left + 0.5 || rb.right <= ra.left + 0.5
                || ra.bottom <= rb.top + 0.5 || rb.bottom <= ra.top + 0.5;
              if (!apart) out.push('overlap: ' + a.textContent + ' / ' + b.textContent);
            }
          }
          return out;
        }"""
    )
    assert not problems, problems


def test_an_administrator_reads_the_figures_and_the_barometer(device, copenhagen):
    page = device
    for state in (State.NEED, State.EXPLORING, State.PAUSED, State.STOPPED):
        # made in its phase: a phase changed by UPDATE needs its transition-log row
        InnovationFactory(committee=copenhagen.committee, collaborators=["citizens"], state=state)

    sign_in(page, copenhagen.administrator)
    go(page, "Portefølje")
    svg_texts_fit(page)
    assert page.locator("#funnel-heading + svg text.value").count() == len(State)
    page.fill("#id_period_from", "2026-06-01")
    page.fill("#id_period_to", "2026-01-01")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#id_period_to_errors")
    check(page, "administrator-reversed-period")
    page.fill("#id_period_to", today().isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_selector("#total-count")
    assert page.locator("#id_period_to_errors").count() == 0
    svg_texts_fit(page)
    check(page, "administrator-dashboard-period")

    go(page, "Barometer")
    assert page.locator("svg.comparison").count() >= 3
    table = page.locator("#barometer-headline")
    assert not table.is_visible()
    page.click("#group-headline details.figures-table > summary")
    assert table.is_visible()
    assert "den officielle statistik" in page.inner_text("#barometer-source")
    svg_texts_fit(page)
    check(page, "administrator-barometer")
    switch_language(page, "en")
    assert "the official statistics" in page.inner_text("#barometer-source")
    check(page, "administrator-barometer-en")


def test_a_search_without_danish_letters_and_the_contact_e_mail(device, copenhagen, aarhus):
    page = device
    origin = shared_innovation(
        copenhagen, title="Træning for ældre", need="Ældre borgere vil træne hjemme."
    )
    shared_innovation(copenhagen, title="Forældremøder på video", need="Travle forældre.")

    sign_in(page, copenhagen.administrator)
    page.goto(f"/innovations/{origin.pk}/sharing/")
    page.fill("#id_contact_email", "innovation@kk.example.dk")
    page.click("main form.stacked button[type=submit]")
    page.wait_for_selector(".message-success")
    check(page, "administrator-sharing")
    page.context.clear_cookies()
    sign_in(page, aarhus.official)
    go(page, "Katalog")
    page.fill("#id_q", "aeldre")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=aeldre*")
    titles = page.locator("main h2 a[href^='/catalogue/']").all_inner_texts()
    assert titles and "Træning for ældre" in titles[0]
    check(page, "catalogue-search")
    page.click(f"a[href='/catalogue/{origin.pk}/']")
    assert "innovation@kk.example.dk" in page.inner_text("#entry-contact")
    page.click("form[action$='/reuse/'] button[type=submit]")  # reuse it in my organisation
    page.wait_for_url("**/innovations/*/**")
    page.click("#reused-from a")
    page.wait_for_url(f"**/catalogue/{origin.pk}/")
    check(page, "catalogue-entry")


# --- Everyone ----------------------------------------------------------------------------------


def test_the_accessibility_statement_is_one_click_from_every_page(device, copenhagen):
    page = device
    page.goto("/sign-in/")
    page.click("#accessibility-link")
    page.wait_for_url("**/accessibility/")
    assert "WCAG 2.1 AA" in page.inner_text("#conformance")
    check(page, "accessibility-statement")
    sign_in(page, copenhagen.politician)
    page.click("#accessibility-link")
    page.wait_for_url("**/accessibility/")
    switch_language(page, "en")
    assert "Known exceptions" in page.inner_text("#exceptions")
    check(page, "accessibility-statement-en")
