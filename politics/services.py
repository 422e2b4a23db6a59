"""Every write of what politicians start: member proposals, requests to examine reuse, and
the briefings of new committee members.

Keyword-only, the actor first, the permission checked here, one transaction, the rows
locked, an event row for each change of a reuse request; notifications and e-mails leave
after commit.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from notifications.signals import notify

from core.errors import NotFound, PermissionDenied, ValidationFailed
from innovations import hooks
from innovations import services as innovation_services
from innovations.models import APPROVED_OUTCOMES, Innovation, RaisedBy, Reuse, State
from organisations.models import (
    Committee,
    Membership,
    MembershipRole,
    ReminderDelivery,
    Role,
    User,
)
from organisations.services import electoral_term_start
from reminders import services as reminders

from .models import (
    OPEN_REUSE_STATUSES,
    Briefing,
    MemberProposal,
    ReuseRequest,
    ReuseRequestEvent,
    ReuseRequestStatus,
)

POLITICAL_SEATS = (MembershipRole.CHAIR, MembershipRole.VICE_CHAIR, MembershipRole.MEMBER)
# A decision that settles a request: approved, with changes, or rejected. Postponed and
# referred keep it before the committee (or the council).
SETTLING_OUTCOMES = (*APPROVED_OUTCOMES, "rejected")
# The administrators' notification of a new request (its text names the politician).
REUSE_REQUESTED_VERB = "reuse examination requested"


def _today() -> datetime.date:
    return reminders.local_today()


def _sits_on(user, committee_id: int, day: datetime.date) -> bool:
    return (
        Membership.objects.valid_on(day)
        .filter(person=user, committee_id=committee_id, role__in=POLITICAL_SEATS)
        .exists()
    )


def _committee_of(actor, committee: Committee | int | None) -> Committee:
    pk = committee.pk if isinstance(committee, Committee) else committee
    found = Committee.objects.filter(pk=pk).first() if pk else None
    if found is None or found.organisation_id != getattr(actor, "organisation_id", None):
        raise ValidationFailed({"committee": [_("Choose a committee of your organisation.")]})
    return found


def _require_politician_of(actor, committee: Committee) -> None:
    if not (actor and actor.is_authenticated and actor.role == Role.POLITICIAN):
        raise PermissionDenied(_("Only politicians can do this."))
    if not _sits_on(actor, committee.pk, _today()):
        raise PermissionDenied(_("You can act only for a committee you sit on."))


def _text(errors: dict, field: str, value: Any, *, max_length: int | None = None) -> str:
    text = (value or "").strip() if isinstance(value, str | type(None)) else str(value).strip()
    if not text:
        errors.setdefault(field, []).append(_("This field is required."))
    elif max_length and len(text) > max_length:
        errors.setdefault(field, []).append(
            _("At most %(count)d characters.") % {"count": max_length}
        )
    return text


# --- Member proposals -----------------------------------------------------------------------


def raise_member_proposal(
    *,
    actor,
    committee: Committee | int,
    title: str,
    need: str,
    proposal: str,
) -> MemberProposal:
    """A politician raises a need as a member proposal for a committee they sit on.

    The need becomes an innovation in ``need`` (raised by a politician), and a decision
    checkpoint at the committee, due at its next meeting, puts it on the agenda.
    """
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, max_length=300)
    need = _text(errors, "need", need)
    proposal = _text(errors, "proposal", proposal)
    found = _committee_of(actor, committee)
    _require_politician_of(actor, found)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = Committee.objects.select_for_update().get(pk=found.pk)
        innovation = Innovation.objects.create(
            organisation_id=locked.organisation_id,
            committee=locked,
            title=title,
            need=need,
            raised_by=RaisedBy.POLITICIAN,
            created_by=actor,
        )
        hooks.innovation_created(actor=actor, innovation=innovation)
        checkpoint = reminders.put_before_committee(
            actor=actor,
            innovation=innovation,
            committee_id=locked.pk,
            title=_("Member proposal from %(name)s") % {"name": actor.get_full_name() or actor},
        )
        meeting = locked.meetings.filter(date=checkpoint.due_date).first()
        return MemberProposal.objects.create(
            innovation=innovation,
            committee=locked,
            proposed_by=actor,
            proposal=proposal,
            meeting=meeting,
            checkpoint=checkpoint,
            proposed_at=timezone.now(),
        )


# --- Requests to examine reuse --------------------------------------------------------------


def _event(request: ReuseRequest, *, actor, note: str = "") -> None:
    ReuseRequestEvent.objects.create(
        request=request, status=request.status, actor=actor, note=note, at=request.updated_at
    )


def request_reuse_examination(
    *, actor, origin: Innovation | int, committee: Committee | int, reason: str
) -> ReuseRequest:
    """A politician asks the administration to examine reusing a shared innovation."""
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason)
    found = _committee_of(actor, committee)
    _require_politician_of(actor, found)
    if errors:
        raise ValidationFailed(errors)
    origin_pk = origin.pk if isinstance(origin, Innovation) else origin
    with transaction.atomic():
        source = (
            Innovation.objects.select_for_update(of=("self",))
            .filter(pk=origin_pk, shared=True)
            .first()
        )
        if source is None:
            raise NotFound(_("The innovation is not in the catalogue."))
        if source.organisation_id == actor.organisation_id:
            raise ValidationFailed(
                _("This innovation is your own organisation's; it cannot be reused by it.")
            )
        if (
            Reuse.objects.filter(origin=source, organisation_id=actor.organisation_id)
            .exclude(innovation__state=State.STOPPED)
            .exists()
        ):
            raise ValidationFailed(_("Your organisation already reuses this innovation."))
        if ReuseRequest.objects.filter(
            origin=source, organisation_id=actor.organisation_id, status__in=OPEN_REUSE_STATUSES
        ).exists():
            raise ValidationFailed(
                _("The administration is already asked to examine reusing this innovation.")
            )
        now = timezone.now()
        request = ReuseRequest.objects.create(
            origin=source,
            organisation_id=actor.organisation_id,
            committee=found,
            requested_by=actor,
            reason=reason,
            requested_at=now,
            updated_at=now,
        )
        _event(request, actor=actor, note=reason)
        transaction.on_commit(lambda: _tell_administrators(request.pk))
    return request


def _lock_request(actor, request: ReuseRequest | int) -> ReuseRequest:
    pk = request.pk if isinstance(request, ReuseRequest) else request
    locked = ReuseRequest.objects.select_for_update(of=("self",)).filter(pk=pk).first()
    if locked is None or locked.organisation_id != getattr(actor, "organisation_id", None):
        raise NotFound(_("The request does not exist."))
    return locked


def _require_administration(actor) -> None:
    if actor.role not in (Role.ADMINISTRATOR, Role.OFFICIAL):
        raise PermissionDenied(_("Only the administration (officials, administrators) examines."))


def _not_in(request: ReuseRequest, *statuses: str) -> None:
    if request.status not in statuses:
        raise ValidationFailed(
            {
                "status": [
                    _("The request is %(status)s; this cannot be done now.")
                    % {"status": request.get_status_display().lower()}
                ]
            }
        )


def start_reuse_examination(*, actor, request: ReuseRequest | int) -> ReuseRequest:
    """An official or administrator takes the request up."""
    with transaction.atomic():
        locked = _lock_request(actor, request)
        _require_administration(actor)
        if locked.status == ReuseRequestStatus.EXAMINING and locked.examined_by_id == actor.pk:
            return locked
        _not_in(locked, ReuseRequestStatus.REQUESTED, ReuseRequestStatus.EXAMINING)
        locked.status = ReuseRequestStatus.EXAMINING
        locked.examined_by = actor
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "examined_by", "updated_at"])
        _event(locked, actor=actor)
    return locked


def submit_reuse_examination(
    *, actor, request: ReuseRequest | int, examination: str
) -> ReuseRequest:
    """The administration's examination goes before the committee: the shared innovation is
    taken up as the organisation's own (in ``need``, raised by a politician), with a decision
    checkpoint at the committee's next meeting. The committee's decision settles it."""
    errors: dict[str, list[str]] = {}
    examination = _text(errors, "examination", examination)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock_request(actor, request)
        _require_administration(actor)
        _not_in(locked, ReuseRequestStatus.REQUESTED, ReuseRequestStatus.EXAMINING)
        innovation = innovation_services.reuse_innovation(
            actor=actor, origin=locked.origin_id, committee=locked.committee_id
        )
        Innovation.objects.filter(pk=innovation.pk).update(raised_by=RaisedBy.POLITICIAN)
        reminders.put_before_committee(
            actor=actor,
            innovation=innovation,
            committee_id=locked.committee_id,
            title=_("Reuse examined at the request of %(name)s")
            % {"name": locked.requested_by.get_full_name() or locked.requested_by},
        )
        locked.status = ReuseRequestStatus.FOR_DECISION
        locked.examined_by = locked.examined_by or actor
        locked.examination = examination
        locked.innovation = innovation
        locked.updated_at = timezone.now()
        locked.save(
            update_fields=["status", "examined_by", "examination", "innovation", "updated_at"]
        )
        _event(locked, actor=actor, note=examination)
    return locked


def withdraw_reuse_request(*, actor, request: ReuseRequest | int, note: str = "") -> ReuseRequest:
    """The requesting politician or an administrator withdraws a request not yet before the
    committee (once it is, the committee decides)."""
    with transaction.atomic():
        locked = _lock_request(actor, request)
        if locked.requested_by_id != actor.pk and actor.role != Role.ADMINISTRATOR:
            raise PermissionDenied(_("Only the politician who asked, or an administrator."))
        _not_in(locked, ReuseRequestStatus.REQUESTED, ReuseRequestStatus.EXAMINING)
        locked.status = ReuseRequestStatus.WITHDRAWN
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "updated_at"])
        _event(locked, actor=actor, note=(note or "").strip())
    return locked


def on_decision_recorded(*, actor, decision) -> None:
    """A decision of the committee on the examined reuse settles the request (hook, inside
    the recording service's transaction)."""
    if decision.outcome not in SETTLING_OUTCOMES:
        return
    request = (
        ReuseRequest.objects.select_for_update(of=("self",))
        .filter(innovation_id=decision.innovation_id, status=ReuseRequestStatus.FOR_DECISION)
        .first()
    )
    if request is None:
        return
    request.status = ReuseRequestStatus.DECIDED
    request.decision = decision
    request.updated_at = timezone.now()
    request.save(update_fields=["status", "decision", "updated_at"])
    _event(request, actor=actor, note=decision.get_outcome_display())


def _tell_administrators(request_pk: int) -> None:
    request = (
        ReuseRequest.objects.select_related("origin", "requested_by").filter(pk=request_pk).first()
    )
    if request is None:
        return
    recipients = list(
        User.objects.filter(
            organisation_id=request.organisation_id, role=Role.ADMINISTRATOR, is_active=True
        )
    )
    if recipients:
        notify.send(
            request.requested_by,
            recipient=recipients,
            verb=REUSE_REQUESTED_VERB,
            target=request.origin,
            description=_("%(name)s asks the administration to examine reusing “%(title)s”.")
            % {
                "name": request.requested_by.get_full_name() or request.requested_by,
                "title": request.origin.title,
            },
            url=reverse("reuse_request_detail", args=[request.pk]),
        )


# --- Briefings of new committee members -----------------------------------------------------


def new_memberships(day: datetime.date):
    """Political seats held on ``day`` that began in the current electoral term by someone
    who did not sit on that committee the day before, and who has no briefing yet."""
    term_start = electoral_term_start(day)
    held = (
        Membership.objects.valid_on(day)
        .filter(role__in=POLITICAL_SEATS, valid_from__gte=term_start, briefing__isnull=True)
        .select_related("person", "committee")
    )
    result = []
    for membership in held:
        before = membership.valid_from - datetime.timedelta(days=1)
        if (
            Membership.objects.valid_on(before)
            .filter(person_id=membership.person_id, committee_id=membership.committee_id)
            .exists()
        ):
            continue
        result.append(membership)
    return result


def send_briefings(*, on: datetime.date | None = None) -> list[Briefing]:
    """Brief every new member (page and notification, and an e-mail by their choice); run
    by beat and ``manage.py send_briefings``. At most one briefing per membership, ever."""
    day = on or _today()
    created: list[Briefing] = []
    for membership in new_memberships(day):
        person = membership.person
        if not person.is_active:
            continue
        try:
            with transaction.atomic():
                briefing = Briefing.objects.create(
                    membership=membership,
                    person=person,
                    committee=membership.committee,
                    term_start=electoral_term_start(day),
                    created_at=timezone.now(),
                )
                url = reverse("committee_briefing", args=[membership.committee_id])
                with translation.override(person.language or settings.LANGUAGE_CODE):
                    text = _("Welcome to %(committee)s: your briefing on its mandates") % {
                        "committee": membership.committee.name
                    }
                notify.send(
                    membership.committee,
                    recipient=person,
                    verb=text[:255],
                    target=membership.committee,
                    description=text,
                    url=url,
                )
                if person.email and person.reminder_delivery == ReminderDelivery.IMMEDIATE:
                    transaction.on_commit(
                        functools.partial(_email_briefing, briefing.pk), robust=True
                    )
        except IntegrityError:
            continue  # another run briefed them
        created.append(briefing)
    return created


def _email_briefing(briefing_pk: int) -> None:
    briefing = Briefing.objects.select_related("person", "committee").filter(pk=briefing_pk).first()
    if briefing is None or briefing.email_sent_at is not None:
        return
    person = briefing.person
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject = _("Spor: your briefing as a new member of %(committee)s") % {
            "committee": briefing.committee.name
        }
        body = _(
            "You sit on %(committee)s from this electoral term. The briefing lists every live "
            "mandate of the committee, its value direction, where it stands and what is due "
            "next:\n\n%(url)s"
        ) % {
            "committee": briefing.committee.name,
            "url": settings.SITE_URL + reverse("committee_briefing", args=[briefing.committee_id]),
        }
    if Briefing.objects.filter(pk=briefing.pk, email_sent_at__isnull=True).update(
        email_sent_at=timezone.now()
    ):
        send_mail(subject[:200], body, None, [person.email])
