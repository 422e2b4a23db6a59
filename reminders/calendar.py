"""A person's iCalendar feed: their open checkpoints and their committees' meetings.

UIDs are stable (``checkpoint-<id>@spor``, ``meeting-<id>@spor``), so a calendar client
updates an event rather than adding one; a moved due date raises the event's SEQUENCE and
LAST-MODIFIED; a closed checkpoint is no longer in the feed, and clients remove it.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from . import schedule, selectors
from .delivery import checkpoint_url

# A meeting with a known start time is shown as two hours long; without one, all day.
MEETING_LENGTH = datetime.timedelta(hours=2)


def feed_url(person) -> str:
    return f"{settings.SITE_URL}{reverse('reminders:calendar-feed', args=[person.calendar_token])}"


logger = logging.getLogger(__name__)

# Clients poll a feed far more often than it changes; building it with the icalendar library
# costs more than reading it. The body is kept under a key made of everything it shows.
FEED_CACHE_SECONDS = 24 * 60 * 60


def calendar_for(person, *, now: datetime.datetime | None = None) -> bytes:
    now = now or timezone.now()
    day = schedule.local_date(now)
    language = person.language or settings.LANGUAGE_CODE
    checkpoints = selectors.calendar_checkpoints(person, day)
    meetings = list(selectors.calendar_meetings(person, day))
    key = _feed_key(person, language, checkpoints, meetings)
    try:
        body = cache.get(key)
    except RedisError:
        # the cache only saves work: without Redis the feed is built as before
        logger.warning("calendar feed built without the cache: Redis did not answer")
        return _build(person, language, list(checkpoints), meetings, now)
    if body is None:
        body = _build(person, language, list(checkpoints), meetings, now)
        try:
            cache.set(key, body, FEED_CACHE_SECONDS)
        except RedisError:
            logger.warning("calendar feed not cached: Redis did not answer")
    return body


def _feed_key(person, language: str, checkpoints, meetings: list) -> str:
    """Everything the feed shows (not the time it was asked for: DTSTAMP is when the feed was
    built), so that any change anywhere in it is a new key. The checkpoints' part is read as
    plain values: a politician's feed holds hundreds, and making model rows of them (with
    their innovations) cost most of a kept feed's answer."""
    shown = repr(
        (
            person.pk,
            str(person),
            language,
            settings.SITE_URL,
            list(
                checkpoints.values_list(
                    "pk", "updated_at", "sequence", "due_date", "kind", "title",
                    "committee__name", "innovation_id", "innovation__title",
                )
            ),
            [
                (m.pk, m.date, m.start_time, m.minutes_url, str(m.committee))
                for m in meetings
            ],
        )
    )  # fmt: skip
    return "spor:calendar:" + hashlib.sha256(shown.encode()).hexdigest()


def _build(person, language: str, checkpoints: list, meetings: list, now) -> bytes:
    with translation.override(language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Spor//Checkpoints//DA")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("Spor: %(name)s") % {"name": person})
        calendar.add("x-wr-timezone", "Europe/Copenhagen")
        for checkpoint in checkpoints:
            event = icalendar.Event()
            event.add("uid", f"checkpoint-{checkpoint.pk}@spor")
            event.add("dtstamp", now)
            event.add("last-modified", checkpoint.updated_at)
            event.add("sequence", checkpoint.sequence)
            event.add("dtstart", checkpoint.due_date)
            event.add("dtend", checkpoint.due_date + datetime.timedelta(days=1))
            event.add(
                "summary",
                _("%(kind)s due: %(title)s")
                % {"kind": checkpoint.get_kind_display(), "title": checkpoint.innovation.title},
            )
            url = checkpoint_url(checkpoint)
            details = [checkpoint.title] if checkpoint.title else []
            if checkpoint.committee:
                details.append(checkpoint.committee.name)
            details.append(url)
            event.add("description", "\n".join(details))
            event.add("url", url)
            event.add("status", "CONFIRMED")
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
        for meeting in meetings:
            event = icalendar.Event()
            event.add("uid", f"meeting-{meeting.pk}@spor")
            event.add("dtstamp", now)
            if meeting.start_time is not None:
                start = datetime.datetime.combine(
                    meeting.date, meeting.start_time, tzinfo=schedule.LOCAL_ZONE
                )
                event.add("dtstart", start)
                event.add("dtend", start + MEETING_LENGTH)
            else:
                event.add("dtstart", meeting.date)
                event.add("dtend", meeting.date + datetime.timedelta(days=1))
            event.add("summary", _("Meeting: %(committee)s") % {"committee": meeting.committee})
            if meeting.minutes_url:
                event.add("url", meeting.minutes_url)
            calendar.add_component(event)
    return calendar.to_ical()
