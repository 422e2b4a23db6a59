"""Template helpers: accessible form fields, the current page in the menu, checkpoint status."""

from __future__ import annotations

import datetime
import re

from django import forms, template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from innovations.models import State
from innovations.workflow import transition_choices
from reminders.services import local_today
from reminders.wording import reminder_wording

register = template.Library()

GROUPED_WIDGETS = (forms.CheckboxSelectMultiple, forms.RadioSelect)


@register.inclusion_tag("web/includes/field.html")
def field(bound_field, hint: str = ""):
    """A labelled field whose help text and errors are tied to it with aria-describedby."""
    widget = bound_field.field.widget
    base_id = bound_field.auto_id or f"id_{bound_field.html_name}"
    help_id, errors_id = f"{base_id}_help", f"{base_id}_errors"
    described = []
    attrs: dict[str, str] = {}
    if bound_field.help_text or hint:
        described.append(help_id)
    if bound_field.errors:
        described.append(errors_id)
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if bound_field.field.required and not isinstance(widget, forms.CheckboxInput):
        attrs["aria-required"] = "true"
    return {
        "field": bound_field,
        "widget": bound_field.as_widget(attrs=attrs),
        "grouped": isinstance(widget, GROUPED_WIDGETS),
        "checkbox": isinstance(widget, forms.CheckboxInput),
        "help_id": help_id,
        "errors_id": errors_id,
        "help": bound_field.help_text or hint,
        "group_id": f"{base_id}_legend",
    }


@register.simple_tag(takes_context=True)
def current(context, url: str) -> str:
    """aria-current for the menu entry of the page being shown."""
    request = context.get("request")
    if request is None:
        return ""
    path = request.path
    if url == "/":
        return 'aria-current="page"' if path == "/" else ""
    return 'aria-current="page"' if path.startswith(url) else ""


@register.filter
def due_status(checkpoint) -> str:
    """``overdue`` exactly when ``Checkpoint.objects.open().overdue(on=today)`` holds it;
    a checkpoint no longer open is ``closed``, whatever its date."""
    today = local_today()
    if not checkpoint.is_open:
        return "closed"
    if checkpoint.is_overdue(on=today):
        return "overdue"
    if checkpoint.due_date == today:
        return "due"
    return "upcoming"


@register.filter
def days_overdue(checkpoint) -> int:
    return checkpoint.days_overdue(on=local_today())


@register.filter
def state_label(value: str) -> str:
    return str(dict(State.choices).get(value, value))


@register.filter
def transition_label(value: str) -> str:
    """One name per transition, everywhere: the label of its django-fsm declaration."""
    return str(dict(transition_choices()).get(value, value)) if value else ""


@register.filter
def notification_text(notification) -> str:
    """A reminder worded as of today ("due in 8 days"); any other notification as sent."""
    return reminder_wording(notification, timezone.localdate()) or notification.verb


_STORED_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


@register.filter
def checkpoint_title(checkpoint) -> str:
    """The title in the reader's language: the titles Spor itself wrote for a decision's
    follow-up date and a postponed decision are stored in the language of whoever recorded
    it, so they are written again from their date; a title typed by a person is shown as is."""
    title = checkpoint.title or ""
    found = _STORED_DATE.search(title)
    if not found or checkpoint.source not in ("decision", "postponed"):
        return title
    day, month, year = (int(part) for part in found.groups())
    try:
        date = formats.date_format(datetime.date(year, month, day), "SHORT_DATE_FORMAT")
    except ValueError:
        return title
    if checkpoint.source == "decision":
        return _("Follow-up asked for by the decision of %(date)s") % {"date": date}
    return _("Decision postponed on %(date)s") % {"date": date}
