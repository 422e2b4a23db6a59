"""Anyone signed in follows an innovation and is told of its decisions, moves and
evaluations, through the channels of reminders, never of what they may not see."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from notifications.models import Notification

from core.errors import NotFound
from innovations.services import share_innovation, unshare_innovation
from reminders.following import follow_innovation, send_follow_emails, unfollow_innovation
from reminders.models import EmailStatus, FollowNotice
from tests.lifecycle import evaluate, innovation_in, raise_need, record

pytestmark = pytest.mark.django_db


def test_a_follower_is_told_of_decisions_and_moves_in_app_and_by_email(
    copenhagen, django_capture_on_commit_callbacks
):
    innovation = raise_need(copenhagen)
    copenhagen.politician.email = "politiker@kk.dk"
    copenhagen.politician.save()
    follow_innovation(actor=copenhagen.politician, innovation=innovation)
    # following twice is one follow
    follow_innovation(actor=copenhagen.politician, innovation=innovation)
    with django_capture_on_commit_callbacks(execute=False):
        record(copenhagen, innovation, "mandate", apply=True)
    notices = FollowNotice.objects.filter(recipient=copenhagen.politician).order_by("id")
    assert [n.kind for n in notices] == ["decision", "move"]
    assert Notification.objects.filter(recipient=copenhagen.politician).count() == 2
    assert all(n.email_status == EmailStatus.PENDING for n in notices)
    # the e-mails are sent after commit, once
    assert send_follow_emails() == 2
    assert send_follow_emails() == 0
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == ["politiker@kk.dk"]


def test_a_follower_on_the_digest_gets_the_in_app_notice_only(copenhagen):
    innovation = raise_need(copenhagen)
    copenhagen.politician.email = "politiker@kk.dk"
    copenhagen.politician.reminder_delivery = "digest"
    copenhagen.politician.save()
    follow_innovation(actor=copenhagen.politician, innovation=innovation)
    record(copenhagen, innovation, "mandate", apply=True)
    assert set(
        FollowNotice.objects.filter(recipient=copenhagen.politician).values_list(
            "email_status", flat=True
        )
    ) == {EmailStatus.SKIPPED_DIGEST}
    assert send_follow_emails() == 0


def test_a_follower_on_the_digest_gets_the_news_in_the_next_digest(copenhagen):
    from reminders import delivery
    from reminders.digest import send_digests
    from tests.reminders_world import local

    politician = copenhagen.politician
    politician.email = "politiker@kk.dk"
    politician.reminder_delivery = "digest"
    politician.save()
    day = copenhagen.meeting.date
    with time_machine.travel(local(day.year, day.month, day.day, 9), tick=False):
        innovation = raise_need(copenhagen, title="Grønne skolegårde")
        follow_innovation(actor=politician, innovation=innovation)
        record(copenhagen, innovation, "mandate", apply=True)
    tomorrow = day + datetime.timedelta(days=1)
    with time_machine.travel(local(tomorrow.year, tomorrow.month, tomorrow.day, 7, 31)):
        [run_id] = send_digests(enqueue=False).created
        delivery.send_digest_email(run_id)
    [message] = [m for m in mail.outbox if m.to == ["politiker@kk.dk"]]
    assert "Grønne skolegårde" in message.body
    assert FollowNotice.objects.filter(recipient=politician, digest_id=run_id).count() == 2
    # the next day's digest does not repeat them
    after = tomorrow + datetime.timedelta(days=1)
    with time_machine.travel(local(after.year, after.month, after.day, 7, 31)):
        assert send_digests(enqueue=False).created == []


def test_an_unfollowed_innovation_tells_nothing(copenhagen):
    innovation = raise_need(copenhagen)
    follow_innovation(actor=copenhagen.politician, innovation=innovation)
    assert unfollow_innovation(actor=copenhagen.politician, innovation=innovation)
    record(copenhagen, innovation, "mandate", apply=True)
    assert not FollowNotice.objects.exists()


def test_another_organisations_unshared_innovation_cannot_be_followed(copenhagen, aarhus):
    innovation = raise_need(aarhus)
    with pytest.raises(NotFound):
        follow_innovation(actor=copenhagen.politician, innovation=innovation)


def test_a_follower_of_another_organisation_hears_only_what_the_catalogue_shows(copenhagen, aarhus):
    innovation = innovation_in(aarhus, "implementing")
    share_innovation(actor=aarhus.administrator, innovation=innovation, contact_role="Konsulent")
    follow_innovation(actor=copenhagen.politician, innovation=innovation)
    # a decision (not in the catalogue) is not told; the move is, without the decision's text
    record(aarhus, innovation, "pause", apply=True)
    notices = list(FollowNotice.objects.filter(recipient=copenhagen.politician))
    assert [n.kind for n in notices] == ["move"]
    assert "Udvalget godkender" not in notices[0].text
    notification = Notification.objects.get(recipient=copenhagen.politician)
    assert notification.data["url"].endswith(f"/catalogue/{innovation.pk}/")
    # once unshared, nothing more is told
    unshare_innovation(actor=aarhus.administrator, innovation=innovation)
    record(aarhus, innovation, "resume", apply=True)
    assert FollowNotice.objects.filter(recipient=copenhagen.politician).count() == 1


def test_evaluations_are_told(copenhagen):
    innovation = innovation_in(copenhagen, "evaluating")
    follow_innovation(actor=copenhagen.chair, innovation=innovation)
    evaluate(copenhagen, innovation)
    assert FollowNotice.objects.filter(recipient=copenhagen.chair, kind="evaluation").exists()
