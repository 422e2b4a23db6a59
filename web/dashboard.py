"""The administrator's portfolio dashboard and its CSV exports.

The figures come from ``portfolio.selectors`` (shared with the API); this module adds what
only the page has: the phase and period filters, the lists behind the numbers (overdue
checkpoints, stale innovations) and the charts.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.db_router import reads_from_replica
from innovations import csv_export, permissions
from innovations.models import State
from reminders import services as reminder_services
from reminders.models import CheckpointRule

from . import forms, portfolio_selectors
from .diagrams import bar_chart_svg, column_chart_svg
from .views import _call, unknown_csv_format


def _require_administrator(user) -> None:
    if not permissions.is_administrator_of(user, user.organisation_id):
        raise PermissionDenied(_("The portfolio is for the organisation's administrators."))


def _filters(request: HttpRequest) -> tuple[forms.DashboardFilterForm, portfolio_selectors.Filters]:
    form = forms.DashboardFilterForm(request.GET or None, user=request.user)
    filters = portfolio_selectors.Filters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = portfolio_selectors.Filters(
            committee_id=data["committee"].pk if data.get("committee") else None,
            phase=data.get("phase") or "",
            period_from=data.get("period_from"),
            period_to=data.get("period_to"),
            stale_months=data.get("stale_months") or portfolio_selectors.DEFAULT_STALE_MONTHS,
        )
    return form, filters


@login_required
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_administrator(request.user)
    form, filters = _filters(request)
    figures = portfolio_selectors.dashboard_figures(request.user, filters)
    labels = dict(State.choices)
    # Every phase, in lifecycle order, so the bars add up to the total on the card.
    funnel_states = list(State)
    charts = {
        "funnel": bar_chart_svg(
            [(labels[s], figures["by_state"].get(s.value, 0)) for s in funnel_states],
            title=_("Innovations per phase"),
            funnel=True,
        ),
        "committees": bar_chart_svg(
            [(row["name"], row["total"]) for row in figures["by_committee"]],
            title=_("Innovations per committee"),
        ),
        "median": bar_chart_svg(
            [
                (labels.get(state, state), days)
                for state, days in figures["median_days_in_state"].items()
            ],
            title=_("Median days in the phase"),
            unit=_("days"),
        ),
        "months": column_chart_svg(
            [
                (_month_label(row["month"]), row["count"], row["approved"])
                for row in figures["decisions_per_month"]
            ],
            title=_("Decisions per month"),
        ),
    }
    query = request.GET.urlencode()
    refused = form.is_bound and not form.is_valid()
    return render(
        request,
        "web/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "figures": figures,
            "charts": charts,
            "query": query,
            "state_labels": labels,
            "funnel_rows": [(labels[s], figures["by_state"].get(s.value, 0)) for s in [*State]],
            "month_rows": [
                (_month_label(row["month"]), row["count"], row["approved"])
                for row in figures["decisions_per_month"]
            ],
        },
        status=400 if refused else 200,
    )


def _month_label(month: str) -> str:
    """ "2026-11" as the short month name and year of the page's language, e.g. "nov 26"."""
    day = datetime.date.fromisoformat(f"{month}-01")
    return formats.date_format(day, "M y")


def _csv_response(request: HttpRequest, stem: str, columns, rows) -> HttpResponse:
    try:
        fmt = csv_export.requested_format(request.GET)
    except csv_export.UnknownFormat:
        return unknown_csv_format()
    writer = csv_export.Writer(fmt, columns)
    response = StreamingHttpResponse(writer.lines(rows), content_type="text/csv; charset=utf-8")
    stem = f"{stem}-{timezone.localdate().isoformat()}"
    response["Content-Disposition"] = f'attachment; filename="{csv_export.filename(stem, fmt)}"'
    return response


@login_required
@reads_from_replica
def portfolio_csv(request: HttpRequest) -> HttpResponse:
    _require_administrator(request.user)
    _form, filters = _filters(request)
    rows = (
        [
            innovation.pk,
            innovation.title,
            innovation.state,
            innovation.committee.name,
            str(innovation.owner) if innovation.owner_id else "",
            innovation.created_at,
            innovation.state_entered_at,
            innovation.last_decision_date,
            innovation.decision_count,
            innovation.open_checkpoint_count,
            innovation.overdue_checkpoint_count,
            innovation.shared,
            innovation.reused_from_id,
            innovation.case_number,
            innovation.kle_code,
        ]
        for innovation in portfolio_selectors.portfolio_rows(request.user, filters).iterator(
            chunk_size=2000
        )
    )
    return _csv_response(request, "portfolio", portfolio_selectors.PORTFOLIO_COLUMNS, rows)


@login_required
@reads_from_replica
def decisions_csv(request: HttpRequest) -> HttpResponse:
    _require_administrator(request.user)
    _form, filters = _filters(request)
    rows = (
        [
            decision.pk,
            decision.meeting.date,
            decision.meeting.committee.name,
            decision.agenda_item,
            decision.innovation_id,
            decision.innovation.title,
            decision.transition,
            decision.outcome,
            decision.votes_for,
            decision.votes_against,
            decision.votes_abstaining,
            decision.resolution,
            decision.minority_statements,
            decision.value_direction,
            decision.follow_up_date,
            decision.recorded_at,
            decision.correction_count,
            decision.case_number,
            decision.kle_code,
            decision.on_closed_item,
        ]
        for decision in portfolio_selectors.decision_log(request.user, filters).iterator(
            chunk_size=2000
        )
    )
    return _csv_response(request, "decisions", portfolio_selectors.DECISION_COLUMNS, rows)


# --- Checkpoint rules and the reminder policy ------------------------------------------------


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The organisation's reminder policy and checkpoint rules, edited through their services."""
    _require_administrator(request.user)
    organisation = request.user.organisation
    policy = reminder_services.policy_for(organisation)
    action = request.POST.get("action") if request.method == "POST" else ""
    policy_form = forms.ReminderPolicyForm(
        request.POST if action == "policy" else None, initial=forms.policy_initial(policy)
    )
    rule_form = forms.CheckpointRuleForm(request.POST if action == "rule" else None, prefix="new")
    if (
        action == "policy"
        and policy_form.is_valid()
        and _call(
            policy_form,
            reminder_services.update_policy,
            actor=request.user,
            organisation=organisation,
            **policy_form.cleaned_data,
        )
    ):
        messages.success(request, _("The reminder policy was saved."))
        return redirect("dashboard_rules")
    if (
        action == "rule"
        and rule_form.is_valid()
        and _call(
            rule_form,
            reminder_services.create_rule,
            actor=request.user,
            organisation=organisation,
            **rule_form.cleaned_data,
        )
    ):
        messages.success(request, _("The rule was added."))
        return redirect("dashboard_rules")
    return render(
        request,
        "web/rules.html",
        {
            "policy_form": policy_form,
            "rule_form": rule_form,
            "rules": CheckpointRule.objects.filter(organisation=organisation).order_by(
                "state", "kind", "id"
            ),
        },
    )


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_administrator(request.user)
    rule = CheckpointRule.objects.filter(
        pk=pk, organisation_id=request.user.organisation_id
    ).first()
    if rule is None:
        raise Http404(_("The rule does not exist."))
    form = forms.CheckpointRuleForm(
        request.POST or None,
        initial={field: getattr(rule, field) for field in reminder_services.RULE_FIELDS},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(
            form, reminder_services.update_rule, actor=request.user, rule=rule, **form.cleaned_data
        )
    ):
        messages.success(request, _("The rule was saved."))
        return redirect("dashboard_rules")
    return render(request, "web/rule_form.html", {"form": form, "rule": rule})
