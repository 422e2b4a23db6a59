"""Following an innovation: a person is told of its decisions, moves and evaluations.

Anyone signed in follows an innovation of their own organisation, or a shared one of another
organisation (from the catalogue). The notices go through the channels of reminders: an
in-app notification (django-notifications), recorded in the transaction of the event, and an
e-mail by the person's choice: immediately (claimed and sent after commit) or in the daily
digest (``reminders.digest`` assigns the waiting notices to the person's day's digest).

A follower never learns what they may not see: a follower of another organisation is told
only what the catalogue shows (the phase and that an evaluation was submitted), only while
the innovation is shared, and never of a decision; the texts hold the title and phase names
and nothing of the decision itself. The handlers are registered with ``decisions.hooks`` in
``RemindersConfig.ready()``.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from notifications.models import Notification

from core.errors import NotFound
from innovations import permissions
from innovations.models import Innovation, State

from .models import EmailStatus, Follow, FollowNotice, FollowNoticeKind
from .queue import TASK_OPTIONS

logger = logging.getLogger(__name__)

# What a follower of another organisation may be told: what the catalogue entry shows.
SHARED_KINDS = (FollowNoticeKind.MOVE, FollowNoticeKind.EVALUATION)


# --- Following ----------------------------------------------------------------------------


def _may_follow(user, innovation: Innovation) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return permissions.can_view_innovation(user, innovation) or (
        innovation.shared and user.organisation_id is not None
    )


def follow_innovation(*, actor, innovation: Innovation | int) -> Follow:
    """Follow an innovation of one's organisation or a shared one; following twice is one."""
    pk = innovation.pk if isinstance(innovation, Innovation) else innovation
    with transaction.atomic():
        locked = Innovation.objects.select_for_update(of=("self",)).filter(pk=pk).first()
        if locked is None or not _may_follow(actor, locked):
            raise NotFound(_("The innovation does not exist."))
        follow = Follow.objects.filter(person=actor, innovation=locked).first()
        if follow is not None:
            return follow
        return Follow.objects.create(person=actor, innovation=locked, created_at=timezone.now())


def unfollow_innovation(*, actor, innovation: Innovation | int) -> bool:
    """Stop following; True when a follow was removed. Not following an innovation one may
    not see is ``NotFound``, as if it did not exist."""
    pk = innovation.pk if isinstance(innovation, Innovation) else innovation
    if not (actor and actor.is_authenticated):
        raise NotFound(_("The innovation does not exist."))
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(person=actor, innovation_id=pk).delete()
        if not deleted:
            found = Innovation.objects.filter(pk=pk).first()
            if found is None or not _may_follow(actor, found):
                raise NotFound(_("The innovation does not exist."))
    return bool(deleted)


# --- Reads --------------------------------------------------------------------------------


def is_following(user, innovation: Innovation | int) -> bool:
    if not (user and user.is_authenticated):
        return False
    pk = innovation.pk if isinstance(innovation, Innovation) else innovation
    return Follow.objects.filter(person=user, innovation_id=pk).exists()


def follows_of(user) -> QuerySet[Follow]:
    """What the user follows and may still see (an unshared one of another organisation
    drops out of the list; following it again is possible if it is shared again)."""
    if not (user and user.is_authenticated):
        return Follow.objects.none()
    return (
        Follow.objects.filter(person=user)
        .filter(Q(innovation__organisation_id=user.organisation_id) | Q(innovation__shared=True))
        .select_related("innovation", "innovation__organisation")
        .order_by("innovation__title")
    )


def follower_count(innovation: Innovation) -> int:
    return Follow.objects.filter(innovation=innovation).count()


# --- Notices, from the hooks --------------------------------------------------------------


def _phase(state: str) -> str:
    return str(State(state).label) if state in State.values else state


def _link(innovation: Innovation, *, own: bool) -> str:
    if own:
        path = reverse("innovation_detail", args=[innovation.pk])
    else:
        path = reverse("catalogue_entry", args=[innovation.pk])
    return f"{settings.SITE_URL}{path}"


def _record_notices(*, actor, innovation: Innovation, kind: str, event: str, texts) -> list[int]:
    """One notice (and its in-app notification) per follower allowed to know of the event.

    ``texts(own)`` gives the text in the active language for a follower of the innovation's
    own organisation (``own=True``) or of another one.
    """
    follows = list(
        Follow.objects.filter(innovation=innovation, person__is_active=True)
        .exclude(person_id=getattr(actor, "pk", None))
        .select_related("person")
    )
    if not follows:
        return []
    now = timezone.now()
    innovation_type = ContentType.objects.get_for_model(Innovation)
    created: list[int] = []
    for follow in follows:
        person = follow.person
        own = person.organisation_id == innovation.organisation_id
        if not own and not (innovation.shared and kind in SHARED_KINDS):
            continue
        if not own and person.organisation_id is None:
            continue
        with translation.override(person.language or settings.LANGUAGE_CODE):
            text = str(texts(own))[:500]
        if not person.email:
            email_status = EmailStatus.NO_ADDRESS
        elif person.reminder_delivery == "digest":
            email_status = EmailStatus.SKIPPED_DIGEST
        else:
            email_status = EmailStatus.PENDING
        try:
            with transaction.atomic():
                notice = FollowNotice.objects.create(
                    recipient=person,
                    innovation=innovation,
                    kind=kind,
                    event=event,
                    text=text,
                    created_at=now,
                    email_status=email_status,
                )
        except IntegrityError:
            continue  # already told of this event
        notification = Notification.objects.create(
            recipient=person,
            actor_content_type=innovation_type,
            actor_object_id=str(innovation.pk),
            verb=text[:255],
            description=innovation.title,
            target_content_type=innovation_type,
            target_object_id=str(innovation.pk),
            level="info",
            data={"url": _link(innovation, own=own), "innovation": innovation.pk, "follow": kind},
        )
        FollowNotice.objects.filter(pk=notice.pk).update(notification_id=notification.pk)
        if email_status == EmailStatus.PENDING:
            created.append(notice.pk)
    if created:
        transaction.on_commit(lambda: _enqueue(created), robust=True)
    return created


def _enqueue(ids: list[int]) -> None:
    send_follow_notices.delay(ids)


@shared_task(name="reminders.send_follow_notices", ignore_result=True, **TASK_OPTIONS)
def send_follow_notices(notice_ids: list[int]) -> int:
    """E-mail these notices to followers (enqueued after the event's commit)."""
    return send_follow_emails(notice_ids)


def on_decision_recorded(*, actor, decision) -> None:
    innovation = decision.innovation
    meeting = decision.meeting

    def texts(own: bool) -> str:
        what = decision.get_transition_display() or _("a matter without a move")
        return _("“%(title)s”: %(committee)s decided on %(what)s on %(date)s: %(outcome)s.") % {
            "title": innovation.title,
            "committee": meeting.committee.name,
            "what": what,
            "date": meeting.date.strftime("%d.%m.%Y"),
            "outcome": decision.get_outcome_display(),
        }

    _record_notices(
        actor=actor,
        innovation=innovation,
        kind=FollowNoticeKind.DECISION,
        event=f"decision-{decision.pk}",
        texts=texts,
    )


def on_transition_applied(*, actor, innovation, log_entry) -> None:
    def texts(own: bool) -> str:
        return _("“%(title)s” moved from %(source)s to %(target)s.") % {
            "title": innovation.title,
            "source": _phase(log_entry.source),
            "target": _phase(log_entry.target),
        }

    _record_notices(
        actor=actor,
        innovation=innovation,
        kind=FollowNoticeKind.MOVE,
        event=f"move-{log_entry.pk}",
        texts=texts,
    )


def on_evaluation_submitted(*, actor, evaluation) -> None:
    innovation = evaluation.innovation

    def texts(own: bool) -> str:
        if own and evaluation.get_spreading_display():
            return _("“%(title)s” was evaluated: %(spreading)s.") % {
                "title": innovation.title,
                "spreading": evaluation.get_spreading_display(),
            }
        return _("“%(title)s” was evaluated.") % {"title": innovation.title}

    _record_notices(
        actor=actor,
        innovation=innovation,
        kind=FollowNoticeKind.EVALUATION,
        event=f"evaluation-{evaluation.pk}",
        texts=texts,
    )


# --- E-mail, after commit -----------------------------------------------------------------


def _claim(notice_id: int) -> bool:
    return bool(
        FollowNotice.objects.filter(pk=notice_id, email_status=EmailStatus.PENDING).update(
            email_status=EmailStatus.SENDING
        )
    )


def send_follow_emails(notice_ids: list[int] | None = None) -> int:
    """Send the pending e-mails of these notices (all pending ones when None); each is
    claimed alone, so two workers never send one twice. Returns how many were sent."""
    pending = FollowNotice.objects.filter(email_status=EmailStatus.PENDING)
    if notice_ids is not None:
        pending = pending.filter(pk__in=notice_ids)
    sent = 0
    for notice_id in list(pending.values_list("pk", flat=True)[:500]):
        if not _claim(notice_id):
            continue
        notice = FollowNotice.objects.select_related("recipient", "innovation").get(pk=notice_id)
        person = notice.recipient
        own = person.organisation_id == notice.innovation.organisation_id
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject = _("Spor: news of “%(title)s”, which you follow") % {
                "title": notice.innovation.title
            }
            body = "\n\n".join(
                [
                    notice.text,
                    _link(notice.innovation, own=own),
                    _("You get this because you follow the innovation in Spor."),
                ]
            )
        try:
            send_mail(subject[:200], body, None, [person.email])
        except Exception as error:
            FollowNotice.objects.filter(pk=notice_id).update(
                email_status=EmailStatus.PENDING,
                attempts=notice.attempts + 1,
                last_error=str(error)[:1000],
            )
            logger.warning("follow notice %s: e-mail failed: %s", notice_id, error)
            continue
        FollowNotice.objects.filter(pk=notice_id).update(
            email_status=EmailStatus.SENT,
            email_sent_at=timezone.now(),
            attempts=notice.attempts + 1,
        )
        sent += 1
    return sent
