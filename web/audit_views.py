"""The administrator's audit page: every administrative change in the organisation, and CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import selectors
from innovations.csv_export import Column

from . import forms
from .dashboard import _csv_response, _require_administrator
from .views import _paginate

CSV_COLUMNS = [
    Column("id", gettext_lazy("Id")),
    Column("at", gettext_lazy("When")),
    Column("person", gettext_lazy("Person")),
    Column("object_type", gettext_lazy("Object type")),
    Column("object_id", gettext_lazy("Object id")),
    Column("object", gettext_lazy("Object")),
    Column("action", gettext_lazy("Action")),
    Column("field", gettext_lazy("Field")),
    Column("before", gettext_lazy("Before")),
    Column("after", gettext_lazy("After")),
]


def _filters(request: HttpRequest) -> tuple[forms.AuditFilterForm, selectors.Filters]:
    content_types = selectors.audited_content_types()
    form = forms.AuditFilterForm(
        request.GET or None, user=request.user, content_types=content_types
    )
    filters = selectors.Filters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            period_from=data.get("period_from"),
            period_to=data.get("period_to"),
            content_type_id=int(data["object_type"]) if data.get("object_type") else None,
            actor_id=data["person"].pk if data.get("person") else None,
        )
    return form, filters


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    _require_administrator(request.user)
    form, filters = _filters(request)
    page = _paginate(request, selectors.events_for_administrator(request.user, filters))
    page.object_list = selectors.with_field_changes(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/audit.html",
        {"form": form, "page": page, "query": query.urlencode(), "title": _("Audit")},
    )


@login_required
def audit_csv(request: HttpRequest) -> HttpResponse:
    _require_administrator(request.user)
    _form, filters = _filters(request)
    events = selectors.events_for_administrator(request.user, filters)

    def rows():
        # one row per changed field, in batches so the names are looked up per batch
        batch_size = 500
        for start in range(0, events.count(), batch_size):
            for event in selectors.with_field_changes(events[start : start + batch_size]):
                person = event.actor.get_full_name() or event.actor.username if event.actor else ""
                common = [
                    event.pk,
                    event.at,
                    person,
                    event.object_type,
                    event.object_id,
                    event.object_repr,
                    event.get_action_display(),
                ]
                for change in event.field_changes or [None]:
                    yield [
                        *common,
                        *((change.label, change.before, change.after) if change else ("", "", "")),
                    ]

    return _csv_response(request, "audit", CSV_COLUMNS, rows())
