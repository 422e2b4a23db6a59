"""A reminder e-mail reads as the UI does (issue 12): relative to the day it is sent ("due in
3 days"), with the UI's words for what is due, and in the recipient's language with that
language's one date format; a digest sent days after the reminder was made says what is true
the day it leaves."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail

from reminders import delivery
from reminders.models import Reminder
from reminders.sweep import sweep

from ..reminders_world import checkpoint_due, local, owned_innovation

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 6, 10)
SEND = local(2026, 6, 7, 8)  # before-3
DANISH_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")
CODES = re.compile(r"\b(documentation|follow_up|before-3|approve_test|mandate)\b")


@pytest.fixture
def reminded(copenhagen):
    with time_machine.travel(local(2026, 6, 1, 9)):
        checkpoint = checkpoint_due(
            copenhagen,
            DUE,
            kind="documentation",
            responsible="owner",
            innovation=owned_innovation(copenhagen, title="Automatisk kørselsbevilling"),
        )
    with time_machine.travel(SEND, tick=False):
        sweep(enqueue=False)
    return Reminder.objects.get(checkpoint=checkpoint)


def sent(reminder, at=SEND):
    with time_machine.travel(at, tick=False):
        delivery.deliver_reminders([reminder.pk])
    [message] = mail.outbox
    [(html, _mimetype)] = message.alternatives
    return message.subject, message.body, html


def test_in_danish_the_email_says_how_many_days_are_left_in_the_uis_words(reminded):
    subject, body, html = sent(reminded)
    assert "Dokumentation forfalder om 3 dage, den 10.06.2026" in subject
    assert "forfalder om 3 dage" in body and "forfalder om 3 dage" in html
    assert "10.06.2026" in body
    assert not CODES.findall(subject + body), CODES.findall(subject + body)


def test_in_english_the_email_is_english_with_english_dates(reminded):
    reminded.recipient.language = "en"
    reminded.recipient.save(update_fields=["language"])
    subject, body, html = sent(reminded)
    assert "Documentation due in 3 days, on 10 Jun 2026" in subject
    assert "due in 3 days" in body and "10 Jun 2026" in body
    assert not DANISH_DATE.findall(subject + body + html)
    assert "forfalder" not in body and "Dokumentation" not in body
    assert not CODES.findall(subject + body)


def test_a_reminder_sent_later_than_planned_says_what_is_true_when_it_leaves(reminded):
    # the before-3 reminder waited (a digest, a retry) and leaves on the due day
    subject, body, _html = sent(reminded, at=local(2026, 6, 10, 8))
    assert "forfalder i dag" in subject, subject
    assert "om 3 dage" not in body
