"""Every write on API tokens: create (the key shown once), use, revoke, revoke all of a person's.

Owners create their own tokens; owners and their organisation's administrators revoke them.
A password change or a deactivation revokes all of a person's tokens (``signals.py``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from axes.utils import reset
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.errors import NotFound, PermissionDenied, ValidationFailed

from .models import ApiToken, RevokedBecause

KEY_PREFIX = "spor_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def may_manage(actor, token: ApiToken) -> bool:
    """The owner, their organisation's administrators, and superusers."""
    if not actor or not actor.is_authenticated or not actor.is_active:
        return False
    return (
        token.owner_id == actor.pk
        or actor.is_superuser
        or permissions.is_administrator_of(actor, token.organisation_id)
    )


def create_token(*, actor, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """The actor creates a token for one integration; returns it and its key (shown once)."""
    if not actor or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Sign in to create an API token."))
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name the integration that will use the token.")]
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = [_("Use at most 100 characters.")]
    maximum = settings.SPOR_API_TOKEN_MAX_DAYS
    days = settings.SPOR_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= maximum:
        errors["days"] = [_("Choose from 1 to %(maximum)s days.") % {"maximum": maximum}]
    if errors:
        raise ValidationFailed(errors)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                owner=actor,
                organisation_id=actor.organisation_id,
                name=name,
                prefix=key[:PREFIX_LENGTH],
                key_hash=hash_key(key),
                expires_at=timezone.now() + datetime.timedelta(days=days),
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            {"name": [_("You already have a token with this name; revoke it or choose another.")]}
        ) from exc
    return token, key


def token_for_key(key: str) -> ApiToken | None:
    """The usable token the key belongs to, with its owner, or None. Marks it used."""
    if not key.startswith(KEY_PREFIX) or len(key) < PREFIX_LENGTH + 16:
        return None
    digest = hash_key(key)
    now = timezone.now()
    for token in ApiToken.objects.select_related("owner").filter(prefix=key[:PREFIX_LENGTH]):
        if hmac.compare_digest(token.key_hash, digest):
            if token.revoked_at or token.expires_at <= now or not token.owner.is_active:
                return None
            if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
                token.last_used_at = now
            return token
    return None


def revoke_token(*, actor, token: ApiToken | int) -> ApiToken:
    """The owner or an administrator of the token's organisation revokes it (once)."""
    pk = token.pk if isinstance(token, ApiToken) else token
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().filter(pk=pk).first()
        if locked is None or not may_manage(actor, locked):
            raise NotFound(_("The token does not exist."))
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revoked_because = (
            RevokedBecause.OWNER if locked.owner_id == actor.pk else RevokedBecause.ADMINISTRATOR
        )
        locked.save(update_fields=["revoked_at", "revoked_by", "revoked_because"])
    return locked


def revoke_all_tokens_of(*, person, because: str) -> int:
    """Revoke every live token of a person (their password changed, they left). Idempotent."""
    return ApiToken.objects.filter(owner=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_because=because
    )


def token_from_sign_in(*, user, name: str = "") -> tuple[ApiToken, str]:
    """The token endpoint's answer to a username and password: a new named, expiring token."""
    name = name.strip() or _("API sign-in %(moment)s") % {
        "moment": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    }
    return create_token(actor=user, name=name)


def unlock_sign_in(*, actor, person) -> int:
    """An administrator of the person's organisation (or a superuser) lifts their lockout:
    every failed attempt recorded for the username, from any address, is forgotten."""
    allowed = actor.is_superuser or (
        actor.is_active and permissions.is_administrator_of(actor, person.organisation_id)
    )
    if not allowed:
        raise PermissionDenied(_("Only the person's administrators can unlock their sign-in."))
    return reset(username=person.get_username())
