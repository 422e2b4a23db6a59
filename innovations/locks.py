"""Lock an innovation's row for a write, as the acting person: the one way every service
starts a write that depends on the innovation."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from core.errors import NotFound, PermissionDenied

from . import permissions
from .models import Innovation


def lock_innovation(
    actor,
    innovation: Innovation | int,
    *,
    may: Callable[[object, Innovation], bool] | None = None,
    denied: str = "",
    members_only: bool = False,
    not_found: str = "",
    related: tuple[str, ...] = ("organisation", "committee"),
) -> Innovation:
    """``SELECT ... FOR UPDATE`` on the innovation, inside the caller's transaction.

    ``NotFound`` when it does not exist or the actor may not see it (with ``members_only``,
    anyone outside its organisation, a superuser too: writes are for its own people), never a
    hint that the row exists; then ``PermissionDenied(denied)`` when ``may(actor, innovation)``
    says no.
    """
    pk = innovation.pk if isinstance(innovation, Innovation) else innovation
    locked = (
        Innovation.objects.select_for_update(of=("self",)).select_related(*related).filter(pk=pk)
    ).first()
    if (
        locked is None
        or not permissions.can_view_innovation(actor, locked)
        or (
            members_only
            and not permissions.is_member_of_organisation(actor, locked.organisation_id)
        )
    ):
        raise NotFound(not_found or _("The innovation does not exist."))
    if may is not None and not may(actor, locked):
        raise PermissionDenied(denied)
    return locked
