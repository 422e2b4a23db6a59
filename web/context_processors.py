"""What the header of every page shows: the person, their organisation and unread count."""

from __future__ import annotations

from . import selectors


def header(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "header_unread_count": selectors.LazyUnreadCount(user),
        "header_navigation": selectors.navigation_for(user),
    }
