"""Pages of the shared catalogue, sharing and reuse, documentation and the barometer.

Reads go through ``innovations.catalogue``, ``portfolio.barometer`` and the selectors;
each POST calls exactly one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.db_router import reads_from_replica
from decisions import mandate_selectors
from innovations import catalogue, csv_export, permissions
from innovations import selectors as innovation_selectors
from innovations import services as innovation_services
from innovations.documents import human_size, max_bytes
from innovations.models import (
    Effect,
    EffectBasis,
    EvaluationMethod,
    InnovationType,
    SpreadingRecommendation,
    Value,
)
from organisations.models import Role
from portfolio import barometer as barometer_module

from . import catalogue_forms as forms
from .diagrams import comparison_chart_svg
from .views import _call, _innovation_or_404, domain_errors, unknown_csv_format

PAGE_SIZE = 20


# --- The catalogue --------------------------------------------------------------------------


@login_required
@reads_from_replica
def catalogue_list(request: HttpRequest) -> HttpResponse:
    """Browse and search what every organisation shares."""
    form = forms.CatalogueSearchForm(request.GET or None)
    filters = catalogue.CatalogueFilters()
    if form.is_bound and form.is_valid():
        filters = catalogue.CatalogueFilters.from_params(
            {k: v for k, v in form.cleaned_data.items() if v}
        )
    page = Paginator(catalogue.catalogue(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    entries = catalogue.entries(request.user, page.object_list, q=filters.q)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/catalogue/list.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "searched": bool(filters.q),
            "query": query.urlencode(),
        },
    )


def _display(entry: catalogue.CatalogueEntry) -> dict:
    """The entry's choice values as the words people read."""
    values = dict(Value.choices)
    types = dict(InnovationType.choices)
    effects = dict(Effect.choices)
    bases = dict(EffectBasis.choices)
    evaluation = entry.evaluation
    return {
        "types": [types.get(t, t) for t in entry.innovation_types],
        "values": [values.get(v, v) for v in entry.intended_values],
        "effects": [
            (values.get(v, v), effects.get(e["effect"], e["effect"]), bases.get(e["basis"], ""))
            for v, e in (evaluation.effects.items() if evaluation else [])
        ],
        "method": dict(EvaluationMethod.choices).get(evaluation.method, "") if evaluation else "",
        "spreading": (
            dict(SpreadingRecommendation.choices).get(evaluation.spreading, "")
            if evaluation
            else ""
        ),
    }


def _may_reuse(user, entry: catalogue.CatalogueEntry) -> bool:
    return (
        not entry.is_own
        and bool(user.organisation_id)
        and user.role in (Role.OFFICIAL, Role.ADMINISTRATOR)
    )


@login_required
@reads_from_replica
def catalogue_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = catalogue.catalogue_entry(request.user, pk)
    if entry is None:
        raise Http404(_("The innovation is not in the catalogue."))
    may_reuse = _may_reuse(request.user, entry)
    return render(
        request,
        "web/catalogue/entry.html",
        {
            "entry": entry,
            "may_reuse": may_reuse,
            "reuse_form": forms.ReuseForm(user=request.user) if may_reuse else None,
            "display": _display(entry),
            # the whitelisted result against the mandate: verdict and indicator figures only
            "mandate_result": mandate_selectors.mandate_results([entry.id]).get(entry.id),
        },
    )


@login_required
@require_POST
@domain_errors
def catalogue_reuse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = catalogue.catalogue_entry(request.user, pk)
    if entry is None:
        raise Http404(_("The innovation is not in the catalogue."))
    form = forms.ReuseForm(request.POST, user=request.user)
    if form.is_valid():
        innovation = _call(
            form,
            innovation_services.reuse_innovation,
            actor=request.user,
            origin=pk,
            committee=form.cleaned_data.get("committee"),
            named=form.cleaned_data.get("named", False),
        )
        if innovation is not None:
            messages.success(
                request,
                _("Your organisation's own innovation was created; it needs its own mandate."),
            )
            return redirect("innovation_detail", pk=innovation.pk)
    return render(
        request,
        "web/catalogue/entry.html",
        {
            "entry": entry,
            "may_reuse": _may_reuse(request.user, entry),
            "reuse_form": form,
            "display": _display(entry),
        },
        status=400,
    )


# --- Sharing --------------------------------------------------------------------------------


@login_required
@domain_errors
def innovation_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator shares the innovation, changes its entry, or takes it out."""
    innovation = _innovation_or_404(request.user, pk)
    if not permissions.is_administrator_of(request.user, innovation.organisation_id):
        raise DjangoPermissionDenied(_("Only an administrator shares innovations with others."))
    initial = {
        "contact_role": innovation.contact_role,
        "contact_email": innovation.contact_email,
        "shared_summary": innovation.shared_summary,
    }
    form = forms.ShareForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        shared = _call(
            form,
            innovation_services.share_innovation,
            actor=request.user,
            innovation=innovation,
            **form.cleaned_data,
        )
        if shared is not None:
            messages.success(request, _("The innovation is shared in the catalogue."))
            return redirect("innovation_sharing", pk=pk)
    return render(
        request,
        "web/catalogue/sharing.html",
        {
            "innovation": innovation,
            "form": form,
            "reuses": catalogue.reuses_of_own(request.user, innovation),
            "registration": catalogue.reuse_registration_of(request.user, innovation),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
@domain_errors
def innovation_unshare(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _innovation_or_404(request.user, pk)
    innovation_services.unshare_innovation(actor=request.user, innovation=innovation)
    messages.success(request, _("The innovation was taken out of the catalogue."))
    return redirect("innovation_sharing", pk=pk)


@login_required
@require_POST
@domain_errors
def innovation_reuse_naming(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _innovation_or_404(request.user, pk)
    innovation_services.set_reuse_naming(
        actor=request.user, innovation=innovation, named=request.POST.get("named") == "on"
    )
    messages.success(request, _("Your choice about being named was saved."))
    return redirect("innovation_sharing", pk=pk)


# --- Documentation --------------------------------------------------------------------------


def _documents_page(
    request, innovation, *, document_form, report_form, upload_error: str = "", status: int = 200
):
    return render(
        request,
        "web/catalogue/documents.html",
        {
            "innovation": innovation,
            "documents": innovation_selectors.documents_for(innovation),
            "reports": innovation_selectors.status_reports_for(innovation),
            "document_form": document_form,
            "report_form": report_form,
            "can_edit": permissions.can_edit_innovation(request.user, innovation),
            "upload_error": upload_error,
        },
        status=status,
    )


@login_required
@domain_errors
def innovation_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """The documents and status reports; upload a file or link to the case system."""
    innovation = _innovation_or_404(request.user, pk)
    report_form = forms.StatusReportForm(prefix="report")
    if request.method == "POST" and _too_large(request):
        # Refused before the body is read: the limit is said, nothing is stored.
        document_form = forms.DocumentForm(prefix="document")
        too_large = _("The largest file you can upload is %(limit)s.") % {
            "limit": human_size(max_bytes())
        }
        return _documents_page(
            request,
            innovation,
            document_form=document_form,
            report_form=report_form,
            upload_error=too_large,
            status=400,
        )
    document_form = forms.DocumentForm(
        request.POST or None, request.FILES or None, prefix="document"
    )
    if request.method == "POST":
        if document_form.is_valid():
            data = document_form.cleaned_data
            document = _call(
                document_form,
                innovation_services.submit_document,
                actor=request.user,
                innovation=innovation,
                title=data["title"],
                kind=data["kind"],
                file=data.get("file"),
                link=data.get("link") or "",
            )
            if document is not None:
                messages.success(request, _("The document was added."))
                return redirect("innovation_documents", pk=pk)
        return _documents_page(
            request, innovation, document_form=document_form, report_form=report_form, status=400
        )
    return _documents_page(
        request, innovation, document_form=document_form, report_form=report_form
    )


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes() + 64 * 1024


@login_required
@require_POST
@domain_errors
def innovation_status_report(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _innovation_or_404(request.user, pk)
    form = forms.StatusReportForm(request.POST, prefix="report")
    if form.is_valid():
        report = _call(
            form,
            innovation_services.submit_status_report,
            actor=request.user,
            innovation=innovation,
            **form.cleaned_data,
        )
        if report is not None:
            messages.success(request, _("The status report was submitted."))
            return redirect("innovation_documents", pk=pk)
    return _documents_page(
        request,
        innovation,
        document_form=forms.DocumentForm(prefix="document"),
        report_form=form,
        status=400,
    )


@login_required
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    """A document's file, for the people of the innovation's organisation only."""
    document = innovation_selectors.visible_document(request.user, pk)
    if document is None or not document.file:
        raise Http404(_("The document does not exist."))
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name or document.file.name.rsplit("/", 1)[-1],
        content_type=document.content_type or "application/octet-stream",
    )


# --- The barometer --------------------------------------------------------------------------


def _barometer(request: HttpRequest, form) -> barometer_module.Barometer | None:
    if form.is_bound and not form.is_valid():
        return None
    data = form.cleaned_data if form.is_bound else {}
    start, end = barometer_module.parse_period(data.get("start"), data.get("end"))
    user = request.user
    if request.GET.get("national") and user.is_superuser:
        return barometer_module.national_barometer(user, start=start, end=end)
    if user.organisation_id is None:
        if user.is_superuser:
            return barometer_module.national_barometer(user, start=start, end=end)
        raise DjangoPermissionDenied(_("You belong to no organisation."))
    return barometer_module.organisation_barometer(
        user, organisation=user.organisation, start=start, end=end
    )


BAROMETER_GROUPS = {
    "headline": gettext_lazy("Reuse, collaboration, politics, evaluation and sharing"),
    "collaboration": gettext_lazy("Made with"),
    "types": gettext_lazy("Innovation types"),
    "values": gettext_lazy("Values achieved according to evaluations (share of the evaluated)"),
}


@login_required
@domain_errors
@reads_from_replica
def barometer(request: HttpRequest) -> HttpResponse:
    """The organisation's Innovation Barometer beside the national figures."""
    form = forms.BarometerForm(request.GET or None)
    report = _barometer(request, form)
    groups: dict[str, list] = {}
    if report is not None:
        for figure in report.figures:
            groups.setdefault(figure.group, []).append(figure)
    charts = {
        group: comparison_chart_svg(
            [(f.label, f.share, f.national_share) for f in figures],
            title=str(BAROMETER_GROUPS.get(group, group)),
            ours=_("Our share"),
            national=_("National figure"),
        )
        for group, figures in groups.items()
    }
    query = request.GET.copy()
    return render(
        request,
        "web/catalogue/barometer.html",
        {
            "form": form,
            "report": report,
            "groups": [
                (group, BAROMETER_GROUPS.get(group, group), figures, charts[group])
                for group, figures in groups.items()
            ],
            "editions": report.editions() if report else [],
            "source": barometer_module.national_figures()["source"],
            "query": query.urlencode(),
        },
        status=200 if report is not None else 400,
    )


@login_required
@domain_errors
@reads_from_replica
def barometer_csv(request: HttpRequest) -> HttpResponse:
    try:
        fmt = csv_export.requested_format(request.GET)
    except csv_export.UnknownFormat:
        return unknown_csv_format()
    form = forms.BarometerForm(request.GET or None)
    report = _barometer(request, form)
    if report is None:
        return HttpResponse(_("Give a valid period."), status=400, content_type="text/plain")
    response = HttpResponse(
        barometer_module.barometer_csv(report, fmt), content_type="text/csv; charset=utf-8"
    )
    who = report.organisation.code if report.organisation else "national"
    stem = f"innovationsbarometer-{who}-{report.start}-{report.end}"
    response["Content-Disposition"] = f'attachment; filename="{csv_export.filename(stem, fmt)}"'
    return response
