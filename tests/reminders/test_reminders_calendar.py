"""A personal iCalendar feed at a secret URL: one event per open checkpoint and per meeting,
stable UIDs, updated when a due date moves, gone when the checkpoint closes."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.utils import timezone

from reminders import services
from reminders.calendar import feed_url

from ..factories import MeetingFactory
from ..reminders_world import checkpoint_due, owned_innovation

pytestmark = pytest.mark.django_db


def events(client, person) -> dict[str, icalendar.Event]:
    response = client.get(f"/calendar/{person.calendar_token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_the_politicians_feed_has_their_committees_checkpoints_and_meetings(client, copenhagen):
    innovation = owned_innovation(copenhagen, title="Skærmbesøg i hjemmeplejen")
    follow_up = checkpoint_due(copenhagen, in_days(20), innovation=innovation)
    decision = checkpoint_due(copenhagen, in_days(40), innovation=innovation, kind="decision")
    elsewhere = checkpoint_due(
        copenhagen,
        in_days(10),
        innovation=owned_innovation(copenhagen, committee=copenhagen.other_committee),
    )
    meeting = MeetingFactory(committee=copenhagen.committee, date=in_days(14))

    feed = events(client, copenhagen.politician)

    # one event per open checkpoint at the politician's committee, and per meeting of it
    assert f"checkpoint-{follow_up.pk}@spor" in feed
    assert f"checkpoint-{decision.pk}@spor" in feed
    assert f"checkpoint-{elsewhere.pk}@spor" not in feed
    assert f"meeting-{meeting.pk}@spor" in feed
    assert f"meeting-{copenhagen.meeting.pk}@spor" in feed  # yesterday's, still recent
    assert len([uid for uid in feed if uid.startswith("checkpoint-")]) == 2
    event = feed[f"checkpoint-{follow_up.pk}@spor"]
    assert event.decoded("dtstart") == follow_up.due_date
    assert "Skærmbesøg i hjemmeplejen" in str(event["SUMMARY"])
    assert f"#checkpoint-{follow_up.pk}" in str(event["URL"])


def test_a_moved_due_date_updates_the_same_event_and_a_closed_checkpoint_leaves(client, copenhagen):
    checkpoint = checkpoint_due(copenhagen, in_days(20))
    uid = f"checkpoint-{checkpoint.pk}@spor"
    before = events(client, copenhagen.chair)[uid]
    assert int(before["SEQUENCE"]) == 0

    services.reschedule_checkpoint(
        actor=copenhagen.secretary, checkpoint=checkpoint, due_date=in_days(27)
    )
    after = events(client, copenhagen.chair)[uid]
    assert after.decoded("dtstart") == in_days(27)
    assert int(after["SEQUENCE"]) == 1
    assert after.decoded("last-modified") >= before.decoded("last-modified")

    services.waive_checkpoint(
        actor=copenhagen.administrator, checkpoint=checkpoint, reason="Dækket af temamødet"
    )
    assert uid not in events(client, copenhagen.chair)


def test_the_owner_sees_the_documentation_they_owe(client, copenhagen):
    documentation = checkpoint_due(
        copenhagen, in_days(30), kind="documentation", responsible="owner"
    )
    assert f"checkpoint-{documentation.pk}@spor" in events(client, copenhagen.official)
    # the secretary of another committee does not have it in their feed
    assert not events(client, copenhagen.other_secretary).keys() & {
        f"checkpoint-{documentation.pk}@spor"
    }


def test_a_wrong_or_renewed_token_is_refused(client, copenhagen):
    assert client.get("/calendar/not-the-token.ics").status_code == 404
    old_token = copenhagen.politician.calendar_token
    assert feed_url(copenhagen.politician).endswith(f"/calendar/{old_token}.ics")
    new_token = services.renew_calendar_token(actor=copenhagen.politician)
    assert new_token != old_token
    assert client.get(f"/calendar/{old_token}.ics").status_code == 404
    assert client.get(f"/calendar/{new_token}.ics").status_code == 200


def test_the_feed_follows_every_change_it_shows_though_it_is_kept_between_polls(client, copenhagen):
    """The feed's body is kept between polls (the icalendar library costs more than the
    reads), under a key made of everything it shows: a renamed innovation, whose checkpoint
    row does not change, and a meeting's new minutes link still reach the next poll."""
    from innovations.services import update_innovation
    from organisations.services import update_meeting

    innovation = owned_innovation(copenhagen, title="Skærmbesøg i hjemmeplejen")
    checkpoint = checkpoint_due(copenhagen, in_days(20), innovation=innovation)
    meeting = MeetingFactory(committee=copenhagen.committee, date=in_days(14))
    first = client.get(f"/calendar/{copenhagen.politician.calendar_token}.ics").content
    assert client.get(f"/calendar/{copenhagen.politician.calendar_token}.ics").content == first

    update_innovation(actor=copenhagen.official, innovation=innovation, title="Skærmbesøg 2.0")
    update_meeting(
        actor=copenhagen.secretary, meeting=meeting, minutes_url="https://aarhus.dk/referat/1"
    )

    feed = events(client, copenhagen.politician)
    assert "Skærmbesøg 2.0" in str(feed[f"checkpoint-{checkpoint.pk}@spor"]["SUMMARY"])
    assert str(feed[f"meeting-{meeting.pk}@spor"]["URL"]) == "https://aarhus.dk/referat/1"


def test_the_feed_is_served_when_redis_does_not_answer(client, copenhagen, settings):
    """The kept body only saves work: with the cache's Redis gone (a port nothing listens on,
    on the loopback) the feed is built and served as before."""
    from ..processes import free_port

    checkpoint = checkpoint_due(copenhagen, in_days(20))
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    feed = events(client, copenhagen.politician)
    assert f"checkpoint-{checkpoint.pk}@spor" in feed
