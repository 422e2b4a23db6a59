"""Every write of single sign-on: the person created or updated at sign-in from what the
identity provider says, a SAML assertion remembered against replay, an organisation's
password policy.

Sign-in is the one write whose actor is the person it creates: the identity provider has
vouched for them, and Spor decides only whether it knows their organisation and role.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from core.errors import PermissionDenied, SporError
from innovations import permissions
from organisations.admin_access import ensure_administrators_group, grant_admin_access
from organisations.models import Organisation, Role, User

from . import selectors
from .claims import Claims
from .models import ExternalIdentity, SignInPolicy, UsedAssertion

logger = logging.getLogger(__name__)

NAME_LENGTH = User._meta.get_field("first_name").max_length


class SignInRefused(SporError):
    """The identity provider signed the person in, but Spor will not: the message says why,
    in words the person can act on."""

    default_message = "You cannot sign in to Spor."


def sign_in(*, claims: Claims) -> User:
    """Create or update the person the claims describe, and return them.

    Found by the provider's issuer and subject; the first time, an account of the same
    organisation with the same e-mail and no other identity is taken over (one an
    administrator created before single sign-on); otherwise a new person is created.
    Name, e-mail and role follow the provider at every sign-in. Refused (``SignInRefused``)
    when the organisation is not known by its CVR number or no value maps to a Spor role.
    """
    if not claims.issuer or not claims.subject:
        raise SignInRefused(_("The identity provider did not say who you are."))
    organisation = Organisation.objects.filter(cvr=claims.cvr).first() if claims.cvr else None
    if organisation is None:
        raise SignInRefused(
            _(
                "Your organisation (CVR number %(cvr)s) is not set up in Spor. Ask your "
                "organisation's Spor administrator to enter its CVR number."
            )
            % {"cvr": claims.cvr or "?"}
        )
    role = selectors.role_for(organisation_id=organisation.pk, values=claims.roles)
    if role is None:
        raise SignInRefused(
            _(
                "You have no role in Spor: none of the roles your organisation has given you "
                "is mapped to a role in Spor. Ask your organisation's Spor administrator or "
                "your IT department to give you one."
            )
        )
    email = claims.email
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    # Two first sign-ins of one person at once: the second finds the first's identity.
    for attempt in range(2):
        try:
            person, adding = _provision(claims, organisation, role, email)
            break
        except IntegrityError:
            if attempt:
                raise
    logger.info(
        "single sign-on",
        extra={"person": person.pk, "protocol": claims.protocol, "new_person": adding},
    )
    return person


@transaction.atomic
def _provision(
    claims: Claims, organisation: Organisation, role: str, email: str
) -> tuple[User, bool]:
    """Within ``sign_in``'s checks: find or create the person and write the audit events."""
    identity = (
        ExternalIdentity.objects.select_for_update()
        .filter(issuer=claims.issuer, subject=claims.subject)
        .first()
    )
    if identity is not None:
        person = User.objects.select_for_update().get(pk=identity.person_id)
    else:
        person = _person_to_link(organisation, email) or User(
            username=_new_username(claims, email), organisation=organisation
        )
    if person.organisation_id != organisation.pk:
        raise SignInRefused(
            _("Your account in Spor belongs to another organisation. Ask your administrator.")
        )
    if not person.is_active:
        raise SignInRefused(_("Your account in Spor is closed. Ask your administrator."))
    adding = person.pk is None
    before = None if adding else audit.snapshot(person)
    person.first_name = claims.first_name[:NAME_LENGTH]
    person.last_name = claims.last_name[:NAME_LENGTH]
    if email:
        person.email = email
    person.role = role
    if adding:
        person.set_unusable_password()
        person.save()
    else:
        person.save(update_fields=["first_name", "last_name", "email", "role"])
    audit.record_change(actor=person, instance=person, before=before, after=audit.snapshot(person))
    _follow_admin_access(person)
    if identity is None:
        identity = ExternalIdentity(
            person=person,
            protocol=claims.protocol,
            issuer=claims.issuer,
            subject=claims.subject,
        )
    identity_before = None if identity.pk is None else audit.snapshot(identity)
    identity.last_sign_in_at = timezone.now()
    if identity.pk is None:
        identity.save()
    else:
        identity.save(update_fields=["last_sign_in_at"])
    # Each sign-in is an audit event: the identity's last sign-in changes.
    audit.record_change(
        actor=person,
        instance=identity,
        before=identity_before,
        after=audit.snapshot(identity),
        organisation_id=organisation.pk,
    )
    return person, adding


def _follow_admin_access(person: User) -> None:
    """The Django admin follows the role: an administrator gets it (as the operator's
    ``grant_admin_access`` gives it), anyone else who had it loses it."""
    if person.role == Role.ADMINISTRATOR:
        grant_admin_access(actor=person, person=person)
        return
    if person.is_staff and not person.is_superuser:
        person.is_staff = False
        person.save(update_fields=["is_staff"])
        person.groups.remove(ensure_administrators_group())
        audit.record_change(
            actor=person, instance=person, before={"is_staff": True}, after={"is_staff": False}
        )


def _person_to_link(organisation: Organisation, email: str) -> User | None:
    if not email:
        return None
    return (
        User.objects.select_for_update(of=("self",))
        .filter(
            organisation=organisation,
            email__iexact=email,
            is_superuser=False,
            external_identities__isnull=True,
        )
        .order_by("pk")
        .first()
    )


def _new_username(claims: Claims, email: str) -> str:
    if email and not User.objects.filter(username__iexact=email).exists():
        return email[:150]
    digest = hashlib.sha256(f"{claims.issuer}\n{claims.subject}".encode()).hexdigest()
    return f"sso-{digest[:24]}"


def remember_assertion(*, assertion_id: str, not_on_or_after: datetime.datetime) -> None:
    """Record a SAML assertion as used; refuse one that was used before (a replay)."""
    if not assertion_id:
        raise SignInRefused(_("The sign-in could not be checked. Try again."))
    now = timezone.now()
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(
                assertion_id=assertion_id, not_on_or_after=max(not_on_or_after, now)
            )
    except IntegrityError as exc:
        logger.warning("replayed SAML assertion", extra={"assertion": assertion_id})
        raise SignInRefused(
            _("This sign-in was already used. Start again from Spor's sign-in page.")
        ) from exc
    # Expired ones can never be accepted again: pysaml2 refuses them by their time.
    UsedAssertion.objects.filter(not_on_or_after__lt=now - datetime.timedelta(days=1)).delete()


def set_local_passwords(*, actor, organisation: Organisation | int, allowed: bool) -> SignInPolicy:
    """An administrator switches password sign-in on or off for their organisation."""
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    if not (
        getattr(actor, "is_superuser", False)
        or permissions.is_administrator_of(actor, organisation_id)
    ):
        raise PermissionDenied(_("Only the organisation's administrators can change this."))
    with transaction.atomic():
        policy, created = SignInPolicy.objects.select_for_update().get_or_create(
            organisation_id=organisation_id
        )
        if not created and policy.local_passwords == allowed:
            return policy
        before = None if created else audit.snapshot(policy)
        policy.local_passwords = allowed
        policy.save(update_fields=["local_passwords"])
        audit.record_change(
            actor=actor, instance=policy, before=before, after=audit.snapshot(policy)
        )
    return policy
