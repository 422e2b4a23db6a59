"""How a reminder reads when it is shown: relative to the day it is read, not the day it was
sent ("due in 8 days" six days after "due in 14 days"), and saying so once it is answered."""

from __future__ import annotations

import datetime

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Checkpoint, CheckpointStatus


def due_wording(due_date: datetime.date, today: datetime.date) -> str:
    date = formats.date_format(due_date, "SHORT_DATE_FORMAT")
    days = (due_date - today).days
    if days > 0:
        return ngettext(
            "due in %(days)s day, on %(date)s", "due in %(days)s days, on %(date)s", days
        ) % {"days": days, "date": date}
    if days == 0:
        return _("due today, %(date)s") % {"date": date}
    return ngettext(
        "overdue by %(days)s day, since %(date)s",
        "overdue by %(days)s days, since %(date)s",
        -days,
    ) % {"days": -days, "date": date}


def reminder_wording(notification, today: datetime.date) -> str | None:
    """The text of a reminder notification as of ``today``; None for other notifications.

    Uses the notification's prefetched target (the checkpoint), so no query per row.
    """
    data = notification.data or {}
    if "checkpoint" not in data or "due_date" not in data:
        return None
    checkpoint = notification.target if isinstance(notification.target, Checkpoint) else None
    if checkpoint is None:
        return None
    kind = checkpoint.get_kind_display()
    if checkpoint.status == CheckpointStatus.COMPLETED:
        return _("%(kind)s answered; nothing more is due") % {"kind": kind}
    if checkpoint.status != CheckpointStatus.OPEN:
        return _("%(kind)s no longer due") % {"kind": kind}
    return _("%(kind)s %(when)s") % {"kind": kind, "when": due_wording(checkpoint.due_date, today)}
