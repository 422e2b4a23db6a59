"""Pages of what politicians do: member proposals, requests to examine reuse, following,
the committee's report (page, print and CSV) and the briefing of new members.

Each view reads through selectors and writes through exactly one service call.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ValidationFailed
from innovations import csv_export
from innovations.catalogue import catalogue_entry
from organisations.models import Role
from politics import selectors, services
from politics.models import ReuseRequestStatus
from reminders import following

from . import politics_forms as forms
from .views import _call, _paginate, _safe_next, domain_errors, unknown_csv_format

# --- Member proposals -------------------------------------------------------------------------


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    page = _paginate(request, selectors.proposals_visible_to(request.user).order_by("-proposed_at"))
    return render(
        request,
        "web/politics/proposal_list.html",
        {
            "page": page,
            "may_propose": request.user.role == Role.POLITICIAN
            and selectors.my_committees(request.user).exists(),
        },
    )


@login_required
@domain_errors
def proposal_create(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.POLITICIAN:
        raise DjangoPermissionDenied(_("Only politicians can do this."))
    form = forms.MemberProposalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        proposal = _call(
            form, services.raise_member_proposal, actor=request.user, **form.cleaned_data
        )
        if proposal is not None:
            messages.success(
                request,
                _("Your member proposal is on the agenda of %(committee)s for %(date)s.")
                % {
                    "committee": proposal.committee.name,
                    "date": proposal.checkpoint.due_date.strftime("%d.%m.%Y"),
                },
            )
            return redirect("innovation_detail", pk=proposal.innovation_id)
    return render(request, "web/politics/proposal_form.html", {"form": form})


# --- Requests to examine reuse ----------------------------------------------------------------


@login_required
@require_POST
@domain_errors
def reuse_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    if catalogue_entry(request.user, pk) is None:
        raise Http404(_("The innovation is not in the catalogue."))
    form = forms.ReuseRequestForm(request.POST, user=request.user)
    if form.is_valid():
        created = _call(
            form,
            services.request_reuse_examination,
            actor=request.user,
            origin=pk,
            **form.cleaned_data,
        )
        if created is not None:
            messages.success(request, _("The administration is asked to examine the reuse."))
            return redirect("reuse_request_detail", pk=created.pk)
    for error in form.errors.values():
        for message in error:
            messages.error(request, message)
    return redirect("catalogue_entry", pk=pk)


@login_required
def reuse_request_list(request: HttpRequest) -> HttpResponse:
    page = _paginate(
        request, selectors.reuse_requests_visible_to(request.user).order_by("-requested_at")
    )
    return render(request, "web/politics/reuse_request_list.html", {"page": page})


def _may_examine(user) -> bool:
    return user.role in (Role.ADMINISTRATOR, Role.OFFICIAL)


@login_required
@domain_errors
def reuse_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reuse_request = selectors.reuse_request_for(request.user, pk)
    examining = reuse_request.status in (
        ReuseRequestStatus.REQUESTED,
        ReuseRequestStatus.EXAMINING,
    )
    examination_form = forms.ExaminationForm(
        request.POST if request.POST.get("action") == "examination" else None
    )
    withdraw_form = forms.WithdrawForm(
        request.POST if request.POST.get("action") == "withdraw" else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        done = None
        if action == "start":
            done = _call(
                examination_form,
                services.start_reuse_examination,
                actor=request.user,
                request=reuse_request,
            )
        elif action == "examination" and examination_form.is_valid():
            done = _call(
                examination_form,
                services.submit_reuse_examination,
                actor=request.user,
                request=reuse_request,
                examination=examination_form.cleaned_data["examination"],
            )
        elif action == "withdraw" and withdraw_form.is_valid():
            done = _call(
                withdraw_form,
                services.withdraw_reuse_request,
                actor=request.user,
                request=reuse_request,
                note=withdraw_form.cleaned_data["note"],
            )
        if done is not None:
            messages.success(
                request,
                _("The request is now: %(status)s.")
                % {"status": done.get_status_display().lower()},
            )
            return redirect("reuse_request_detail", pk=pk)
    return render(
        request,
        "web/politics/reuse_request_detail.html",
        {
            "reuse_request": reuse_request,
            "may_examine": examining and _may_examine(request.user),
            "may_withdraw": examining
            and (
                reuse_request.requested_by_id == request.user.pk
                or request.user.role == Role.ADMINISTRATOR
            ),
            "examination_form": examination_form,
            "withdraw_form": withdraw_form,
        },
    )


# --- Following --------------------------------------------------------------------------------


@login_required
@require_POST
@domain_errors
def follow_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    if request.POST.get("follow") == "0":
        following.unfollow_innovation(actor=request.user, innovation=pk)
        messages.success(request, _("You no longer follow the innovation."))
    else:
        following.follow_innovation(actor=request.user, innovation=pk)
        messages.success(
            request, _("You follow the innovation and are told of its decisions and moves.")
        )
    return redirect(_safe_next(request, reverse("my_follows")))


@login_required
def my_follows(request: HttpRequest) -> HttpResponse:
    page = _paginate(request, following.follows_of(request.user))
    return render(request, "web/politics/my_follows.html", {"page": page})


# --- Committees: the report and the briefing --------------------------------------------------


@login_required
def committee_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/politics/committee_index.html",
        {
            "committees": selectors.committees_of_organisation(request.user).order_by(
                "-is_council", "name"
            ),
            "mine": set(selectors.my_committees(request.user).values_list("pk", flat=True)),
        },
    )


def _report_for(request: HttpRequest, pk: int):
    committee = selectors.committee_for(request.user, pk)
    form = forms.ReportPeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    try:
        start, end, months = selectors.parse_period(
            data.get("start"), data.get("end"), data.get("months")
        )
    except ValidationFailed:
        start, end, months = selectors.parse_period(None, None, None)
    report = selectors.committee_report(
        committee, start=start, end=end, quiet_months=months, viewer=request.user
    )
    return report, form


@login_required
@domain_errors
def committee_report(request: HttpRequest, pk: int) -> HttpResponse:
    report, form = _report_for(request, pk)
    return render(
        request,
        "web/politics/committee_report.html",
        {"report": report, "form": form, "query": request.GET.urlencode()},
    )


@login_required
@domain_errors
def committee_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        fmt = csv_export.requested_format(request.GET)
    except csv_export.UnknownFormat:
        return unknown_csv_format()
    report, _form = _report_for(request, pk)
    response = HttpResponse(
        "".join(selectors.report_csv_lines(report, fmt)), content_type="text/csv; charset=utf-8"
    )
    stem = f"udvalgsrapport-{report.committee.pk}-{report.start}-{report.end}"
    response["Content-Disposition"] = f'attachment; filename="{csv_export.filename(stem, fmt)}"'
    return response


@login_required
@domain_errors
def committee_briefing(request: HttpRequest, pk: int) -> HttpResponse:
    committee = selectors.committee_for(request.user, pk)
    mandates = selectors.live_mandates(committee)
    for innovation in mandates:
        innovation.next_due_label = selectors.kind_label(innovation.next_due_kind)
    return render(
        request,
        "web/politics/committee_briefing.html",
        {"committee": committee, "mandates": mandates},
    )
