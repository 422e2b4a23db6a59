"""Template helpers of what politicians do: the follow button, the request to examine reuse
on a catalogue entry, an evaluation's verdict."""

from __future__ import annotations

from django import template

from organisations.models import Role
from politics import selectors
from reminders import following

from .. import politics_forms

register = template.Library()


@register.inclusion_tag("web/politics/includes/follow_form.html", takes_context=True)
def follow_form(context, innovation_id: int):
    """Follow or stop following, back to the page it was pressed on."""
    request = context["request"]
    return {
        "innovation_id": innovation_id,
        "following": following.is_following(request.user, innovation_id),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("web/politics/includes/reuse_request_box.html", takes_context=True)
def reuse_request_box(context, entry):
    """On another organisation's catalogue entry: a politician asks the administration to
    examine reusing it, or sees the open request of their organisation."""
    user = context["request"].user
    if entry.is_own or not user.is_authenticated:
        return {"show": False}
    existing = selectors.open_request_for(user, entry.id)
    may_request = (
        existing is None and user.role == Role.POLITICIAN and selectors.my_committees(user).exists()
    )
    return {
        "show": existing is not None or may_request,
        "existing": existing,
        "form": politics_forms.ReuseRequestForm(user=user) if may_request else None,
        "entry": entry,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def verdict(evaluation) -> str:
    return selectors.evaluation_verdict(evaluation)
