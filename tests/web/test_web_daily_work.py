"""The pages as secretaries, politicians and officials start their day (issue 12): the
meeting first for the secretary, the politician's own follow-ups and notifications, the
official's own duties, the calendar page."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from reminders.models import Checkpoint
from reminders.services import create_checkpoint

from ..factories import InnovationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def page(client, user, url: str, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def due(world, innovation, kind: str, days: int, **fields) -> Checkpoint:
    return create_checkpoint(
        actor=world.administrator,
        innovation=innovation,
        kind=kind,
        due_date=today() + datetime.timedelta(days=days),
        **fields,
    )


# --- Secretary ---------------------------------------------------------------------------------


def test_the_overview_starts_with_todays_meeting_and_what_is_due_at_the_next(client, copenhagen):
    todays = copenhagen.meeting  # the world's meeting is today's
    assert todays.date == today()
    far = [
        MeetingFactory(committee=copenhagen.committee, date=today() + datetime.timedelta(days=d))
        for d in (300, 330, 360)
    ]
    following = MeetingFactory(
        committee=copenhagen.committee, date=today() + datetime.timedelta(days=14)
    )
    innovation = InnovationFactory(committee=copenhagen.committee, title="Sensorer i boliger")
    due(copenhagen, innovation, "follow_up", 10)

    html = page(client, copenhagen.secretary, "/")

    overview = html[html.index(f'id="overview-{copenhagen.committee.pk}"') :]
    assert f'href="/meetings/{todays.pk}/#record-decision"' in overview
    assert "Registrér punkter" in overview
    assert "I dag" in overview[: overview.index("Registrér punkter")]
    # the heading of what is due links to the next meeting, and the item is under it
    assert f'<a href="/meetings/{following.pk}/">Til det næste møde' in overview
    assert "Sensorer i boliger" in overview
    for meeting in far:
        assert f"/meetings/{meeting.pk}/" not in html


def test_the_meeting_list_marks_today_and_links_the_next_meeting_heading(client, copenhagen):
    todays = copenhagen.meeting  # the world's meeting is today's
    assert todays.date == today()
    nxt = MeetingFactory(committee=copenhagen.committee, date=today() + datetime.timedelta(days=7))

    html = page(client, copenhagen.secretary, "/meetings/")

    row = html[html.index('id="meeting-today"') :]
    assert f'href="/meetings/{todays.pk}/" aria-current="date"' in row[:400]
    assert "I dag" in row[:600]
    assert html.count('id="meeting-today"') == 1
    assert f'<h3><a href="/meetings/{todays.pk}/">' in html or (
        f'<h3><a href="/meetings/{nxt.pk}/">' in html
    )


def test_a_meeting_is_registered_with_its_start_time_and_the_feed_carries_it(client, copenhagen):
    client.force_login(copenhagen.secretary)
    day = today() + datetime.timedelta(days=20)
    response = client.post(
        "/meetings/",
        {"committee": copenhagen.committee.pk, "date": day.isoformat(), "start_time": "16:30"},
    )
    assert response.status_code == 302
    meeting = copenhagen.committee.meetings.get(date=day)
    assert meeting.start_time == datetime.time(16, 30)

    from reminders.calendar import calendar_for

    feed = calendar_for(copenhagen.politician).decode()
    assert f"DTSTART;TZID=Europe/Copenhagen:{day:%Y%m%d}T163000" in feed


# --- Politician --------------------------------------------------------------------------------


def test_my_committees_follow_ups_leave_out_the_officials_duties(client, copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    follow_up = due(copenhagen, innovation, "follow_up", 5)
    decision = due(copenhagen, innovation, "decision", 6)
    documentation = due(copenhagen, innovation, "documentation", 7, responsible="owner")
    evaluation = due(copenhagen, innovation, "evaluation", 8)

    for url in ("/", "/my/follow-ups/"):
        html = page(client, copenhagen.politician, url)
        assert f"checkpoint-{follow_up.pk}" in html or "Opfølgning" in html
        assert documentation.get_kind_display() not in html
        assert evaluation.get_kind_display() not in html
    html = page(client, copenhagen.politician, "/my/follow-ups/")
    assert f'id="checkpoint-{follow_up.pk}"' in html
    assert f'id="checkpoint-{decision.pk}"' in html
    assert f'id="checkpoint-{documentation.pk}"' not in html
    assert f'id="checkpoint-{evaluation.pk}"' not in html


def reminded(world, innovation, days: int):
    from reminders.delivery import deliver_all_pending
    from reminders.sweep import sweep

    checkpoint = due(world, innovation, "follow_up", days)
    checkpoint.refresh_from_db()
    sweep(now=max(checkpoint.next_reminder_at, timezone.now()), enqueue=False)
    deliver_all_pending()
    return checkpoint


def test_a_reminder_reads_relative_to_the_day_it_is_shown(client, copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee, title="Skærmbesøg")
    reminded(copenhagen, innovation, 14)
    notification = copenhagen.politician.notifications.get()
    assert "om 8 dage" not in notification.verb  # the text as sent

    with time_machine.travel(timezone.now() + datetime.timedelta(days=6), tick=False):
        home = page(client, copenhagen.politician, "/")
        listed = page(client, copenhagen.politician, "/my/notifications/")
    for html in (home, listed):
        assert "forfalder om 8 dage" in html
        assert notification.verb not in html


def test_an_answered_checkpoint_says_so_in_its_unread_reminders(client, copenhagen):
    from decisions.services import record_follow_up

    innovation = InnovationFactory(committee=copenhagen.committee, title="Skærmbesøg")
    checkpoint = reminded(copenhagen, innovation, 3)
    # a follow-up checkpoint is answered by the committee's follow-up, not closed by hand
    record_follow_up(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Orientering om skærmbesøg",
        assessment="on_track",
        summary="Projektet følger planen.",
        taken_note="Udvalget tog orienteringen til efterretning.",
    )
    checkpoint.refresh_from_db()
    assert checkpoint.status == "completed"

    html = page(client, copenhagen.politician, "/my/notifications/")
    assert "Opfølgning er besvaret; intet mere forfalder" in html


def test_a_notification_on_the_overview_opens_the_innovation_and_is_read(client, copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee, title="Skærmbesøg")
    reminded(copenhagen, innovation, 3)
    notification = copenhagen.politician.notifications.get()

    html = page(client, copenhagen.politician, "/")
    assert f'action="/my/notifications/{notification.pk}/open/"' in html

    response = client.post(f"/my/notifications/{notification.pk}/open/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/innovations/{innovation.pk}/")
    notification.refresh_from_db()
    assert not notification.unread


def test_the_calendar_page_gives_the_https_address_steps_and_meetings_with_time(
    client, copenhagen, settings
):
    settings.SITE_URL = "https://spor.example.dk"
    MeetingFactory(
        committee=copenhagen.committee,
        date=today() + datetime.timedelta(days=9),
        start_time=datetime.time(15, 0),
    )
    html = page(client, copenhagen.politician, "/my/calendar/")
    token = copenhagen.politician.calendar_token
    assert f'value="https://spor.example.dk/calendar/{token}.ics"' in html
    assert 'data-copy="feed-url"' in html and "/static/js/copy.js" in html
    assert 'id="outlook-steps"' in html and 'id="google-steps"' in html
    assert "kl. 15:00" in html
    assert "<script>" not in html and "style=" not in html


# --- Official ----------------------------------------------------------------------------------


def test_due_from_me_holds_only_the_officials_own_duties(client, copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    mine = due(copenhagen, innovation, "documentation", 5, responsible="owner")
    committees = due(copenhagen, innovation, "follow_up", 6)

    html = page(client, copenhagen.official, "/")
    section = html[html.index('id="home-due"') :]
    assert f"{mine.due_date:%d.%m.%Y}" in section
    assert f"{committees.due_date:%d.%m.%Y}" not in section


def test_the_owner_list_holds_only_the_organisations_officials_with_their_title(
    client, copenhagen, aarhus
):
    copenhagen.official.title = "Projektleder, Sundhed og Omsorg"
    copenhagen.official.save(update_fields=["title"])
    html = page(client, copenhagen.official, "/innovations/new/")
    owner = html[html.index('id="id_owner"') : html.index("</select>", html.index('id="id_owner"'))]
    assert "Projektleder, Sundhed og Omsorg" in owner
    assert f'value="{copenhagen.official.pk}"' in owner
    for other in (copenhagen.politician, copenhagen.secretary, aarhus.official):
        assert f'value="{other.pk}"' not in owner


def innovation_form(world, **changes) -> dict:
    data = {
        "title": "Skærmbesøg",
        "need": "Lange køreture.",
        "committee": world.committee.pk,
        "owner": world.official.pk,
    }
    data.update(changes)
    return data


def test_in_english_the_titles_spor_wrote_are_english_with_english_dates(client, copenhagen):
    from decisions.services import record_decision

    innovation = InnovationFactory(committee=copenhagen.committee, title="Skærmbesøg")
    record_decision(  # recorded by a Danish secretary: the title is stored in Danish
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 2",
        transition="",
        outcome="approved",
        resolution="Udvalget ønsker en status.",
        follow_up_date=today() + datetime.timedelta(days=30),
    )
    checkpoint = Checkpoint.objects.get(innovation=innovation, source="decision")
    assert "beslutning" in checkpoint.title.lower()

    copenhagen.politician.language = "en"
    copenhagen.politician.save(update_fields=["language"])
    html = page(client, copenhagen.politician, "/my/follow-ups/")
    meeting_day = copenhagen.meeting.date
    assert f"Follow-up asked for by the decision of {meeting_day.day} {meeting_day:%b %Y}" in html
    assert checkpoint.title not in html
    assert f"{checkpoint.due_date:%m/%d/%Y}" not in html
