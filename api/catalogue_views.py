"""The API of the shared catalogue, sharing and reuse, documentation and evaluations, and
the Innovation Barometer: HTTP in and out, one service per write, reads through selectors."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.db_router import reads_from_replica
from core.errors import NotFound, ValidationFailed
from decisions import mandate_selectors, mandate_services
from innovations import catalogue, csv_export
from innovations import selectors as innovation_selectors
from innovations import services as innovation_services
from innovations.documents import human_size, max_bytes
from innovations.models import Innovation
from organisations.models import Organisation
from portfolio import barometer as barometer_module

from . import catalogue_serializers as cs
from . import serializers as s
from .mandate_serializers import MandateResultOut
from .pagination import Pagination
from .views import parse


def _innovation(user, pk: int) -> Innovation:
    innovation = innovation_selectors.get_visible_innovation(user, pk)
    if innovation is None:
        raise NotFound(_("The innovation does not exist."))
    return innovation


# --- The catalogue --------------------------------------------------------------------------


def _with_mandate_results(entries) -> list[dict]:
    """The entries as JSON, each with its result against the mandate card (three queries)."""
    results = mandate_selectors.mandate_results([entry.id for entry in entries])
    data = cs.CatalogueEntryOut(entries, many=True).data
    for item in data:
        result = results.get(item["id"])
        item["against_mandate"] = MandateResultOut(result).data if result else None
    return data


class CatalogueListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[cs.CatalogueQueryIn],
        responses={200: cs.CatalogueEntryOut(many=True)},
        operation_id="catalogue_list",
    )
    @method_decorator(reads_from_replica)
    def get(self, request):
        """The innovations every organisation shares: search (Danish), filter, best first."""
        query = parse(cs.CatalogueQueryIn, request, data=request.query_params)
        filters = catalogue.CatalogueFilters(
            q=(query.get("q") or "").replace("\x00", "").strip(),
            innovation_type=query.get("innovation_type", ""),
            value=query.get("value", ""),
            phase=query.get("phase", ""),
            region=query.get("region", ""),
            evaluated=query.get("evaluated"),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            catalogue.catalogue(request.user, filters), request, view=self
        )
        entries = catalogue.entries(request.user, page, q=filters.q)
        return paginator.get_paginated_response(_with_mandate_results(entries))


class CatalogueEntryView(APIView):
    @extend_schema(responses={200: cs.CatalogueEntryOut}, operation_id="catalogue_retrieve")
    @method_decorator(reads_from_replica)
    def get(self, request, pk: int):
        """One shared innovation; 404 when it is not (or no longer) shared."""
        entry = catalogue.catalogue_entry(request.user, pk)
        if entry is None:
            raise NotFound(_("The innovation is not in the catalogue."))
        return Response(_with_mandate_results([entry])[0])


class CatalogueReuseView(APIView):
    @extend_schema(
        request=cs.ReuseIn, responses={201: s.InnovationOut}, operation_id="catalogue_reuse"
    )
    def post(self, request, pk: int):
        """Create your organisation's own innovation from a shared one, in the phase need."""
        data = parse(cs.ReuseIn, request)
        innovation = innovation_services.reuse_innovation(
            actor=request.user,
            origin=pk,
            committee=data.get("committee"),
            named=data.get("named", False),
        )
        return Response(s.InnovationOut(innovation).data, status=status.HTTP_201_CREATED)


class ReuseNamingView(APIView):
    @extend_schema(
        request=cs.ReuseNamingIn,
        responses={200: cs.ReuseNamingOut},
        operation_id="innovations_reuse_naming",
    )
    def post(self, request, pk: int):
        """Give or withdraw consent to be named as reusing (the reusing administrators)."""
        innovation = _innovation(request.user, pk)
        data = parse(cs.ReuseNamingIn, request)
        registration = innovation_services.set_reuse_naming(
            actor=request.user, innovation=innovation, named=data["named"]
        )
        return Response(cs.ReuseNamingOut(registration).data)


# --- Sharing --------------------------------------------------------------------------------


def _sharing(innovation: Innovation) -> dict:
    return cs.SharingOut(innovation).data


class ShareView(APIView):
    @extend_schema(
        request=cs.ShareIn, responses={200: cs.SharingOut}, operation_id="innovations_share"
    )
    def post(self, request, pk: int):
        """Share the innovation in the catalogue, or change its shared entry (administrators)."""
        innovation = _innovation(request.user, pk)
        data = parse(cs.ShareIn, request)
        innovation = innovation_services.share_innovation(
            actor=request.user, innovation=innovation, **data
        )
        return Response(_sharing(innovation))


class UnshareView(APIView):
    @extend_schema(request=None, responses={200: cs.SharingOut}, operation_id="innovations_unshare")
    def post(self, request, pk: int):
        """Take the innovation out of the catalogue at once (administrators)."""
        innovation = _innovation(request.user, pk)
        innovation = innovation_services.unshare_innovation(
            actor=request.user, innovation=innovation
        )
        return Response(_sharing(innovation))


# --- Documents, status reports, evaluations -------------------------------------------------


class DocumentListView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses={200: cs.DocumentOut(many=True)}, operation_id="documents_list")
    def get(self, request, pk: int):
        innovation = _innovation(request.user, pk)
        documents = innovation_selectors.documents_for(innovation)
        return Response(cs.DocumentOut(documents, many=True, context={"request": request}).data)

    @extend_schema(
        request={"multipart/form-data": cs.DocumentIn, "application/json": cs.DocumentIn},
        responses={201: cs.DocumentOut},
        operation_id="documents_create",
    )
    def post(self, request, pk: int):
        """Upload a file (pdf, docx, xlsx, pptx, odt, png, jpg; at most 20 MB) or give a link."""
        _refuse_oversized(request)
        innovation = _innovation(request.user, pk)
        data = parse(cs.DocumentIn, request)
        document = innovation_services.submit_document(
            actor=request.user,
            innovation=innovation,
            title=data["title"],
            kind=data["kind"],
            file=data.get("file"),
            link=data.get("link", ""),
        )
        return Response(
            cs.DocumentOut(document, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


def _refuse_oversized(request) -> None:
    """Refuse a body far above the limit before reading it, with the same message."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = max_bytes()
    if length > limit + 64 * 1024:
        raise ValidationFailed(
            {
                "file": [
                    _("The largest file you can upload is %(limit)s.")
                    % {"limit": human_size(limit)}
                ]
            }
        )


class DocumentFileView(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        operation_id="documents_file",
    )
    def get(self, request, pk: int):
        """The uploaded file, for people of the innovation's organisation."""
        document = innovation_selectors.visible_document(request.user, pk)
        if document is None or not document.file:
            raise NotFound(_("The document does not exist."))
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name or document.file.name.rsplit("/", 1)[-1],
            content_type=document.content_type or "application/octet-stream",
        )


class StatusReportListView(APIView):
    @extend_schema(
        responses={200: cs.StatusReportOut(many=True)}, operation_id="status_reports_list"
    )
    def get(self, request, pk: int):
        innovation = _innovation(request.user, pk)
        reports = innovation_selectors.status_reports_for(innovation)
        return Response(cs.StatusReportOut(reports, many=True).data)

    @extend_schema(
        request=cs.StatusReportIn,
        responses={201: cs.StatusReportOut},
        operation_id="status_reports_create",
    )
    def post(self, request, pk: int):
        innovation = _innovation(request.user, pk)
        data = parse(cs.StatusReportIn, request)
        document = None
        if data.get("document"):
            document = (
                innovation_selectors.documents_for(innovation).filter(pk=data["document"]).first()
            )
            if document is None:
                raise ValidationFailed({"document": [_("No such document of this innovation.")]})
        report = innovation_services.submit_status_report(
            actor=request.user,
            innovation=innovation,
            assessment=data["assessment"],
            summary=data["summary"],
            next_steps=data.get("next_steps", ""),
            document=document,
        )
        return Response(cs.StatusReportOut(report).data, status=status.HTTP_201_CREATED)


class EvaluationListView(APIView):
    @extend_schema(responses={200: cs.EvaluationOut(many=True)}, operation_id="evaluations_list")
    def get(self, request, pk: int):
        innovation = _innovation(request.user, pk)
        evaluations = list(innovation_selectors.evaluations_for(innovation))
        results = mandate_selectors.results_by_evaluation([e.pk for e in evaluations])
        for evaluation in evaluations:
            evaluation.against_mandate = results.get(evaluation.pk)
        return Response(cs.EvaluationOut(evaluations, many=True).data)

    @extend_schema(
        request=cs.EvaluationIn,
        responses={201: cs.EvaluationOut},
        operation_id="evaluations_create",
    )
    def post(self, request, pk: int):
        """Submit the evaluation, held against the mandate's value direction and values."""
        innovation = _innovation(request.user, pk)
        data = parse(cs.EvaluationIn, request)
        evaluation = mandate_services.submit_evaluation(
            actor=request.user, innovation=innovation, **data
        )
        evaluation.against_mandate = mandate_selectors.results_by_evaluation([evaluation.pk]).get(
            evaluation.pk
        )
        return Response(cs.EvaluationOut(evaluation).data, status=status.HTTP_201_CREATED)


# --- The barometer --------------------------------------------------------------------------


def _barometer_for(request) -> barometer_module.Barometer:
    query = parse(cs.BarometerQueryIn, request, data=request.query_params)
    start, end = barometer_module.parse_period(query.get("start"), query.get("end"))
    user = request.user
    if query.get("national"):
        return barometer_module.national_barometer(user, start=start, end=end)
    organisation_id = query.get("organisation") or user.organisation_id
    if organisation_id is None:
        raise ValidationFailed({"organisation": [_("Choose an organisation.")]})
    if organisation_id != user.organisation_id and not user.is_superuser:
        raise NotFound(_("The organisation's barometer is not yours to see."))
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound(_("The organisation does not exist."))
    return barometer_module.organisation_barometer(
        user, organisation=organisation, start=start, end=end
    )


class BarometerView(APIView):
    @extend_schema(
        parameters=[cs.BarometerQueryIn],
        responses={200: cs.BarometerOut},
        operation_id="barometer",
    )
    @method_decorator(reads_from_replica)
    def get(self, request):
        """The organisation's Innovation Barometer for a period, beside the national figures."""
        return Response(cs.BarometerOut(_barometer_for(request).as_dict()).data)


class _FirstRenderer(DefaultContentNegotiation):
    """``?format=`` names the CSV form here, not one of DRF's renderers."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class BarometerCsvView(APIView):
    content_negotiation_class = _FirstRenderer

    @extend_schema(
        parameters=[cs.BarometerCsvQueryIn],
        responses={(200, "text/csv"): OpenApiTypes.STR},
        operation_id="barometer_csv",
    )
    @method_decorator(reads_from_replica)
    def get(self, request):
        """The same report as CSV, one line per figure."""
        fmt = parse(cs.BarometerCsvQueryIn, request, data=request.query_params)["format"]
        report = _barometer_for(request)
        response = HttpResponse(
            barometer_module.barometer_csv(report, fmt), content_type="text/csv; charset=utf-8"
        )
        who = report.organisation.code if report.organisation else "national"
        stem = f"innovationsbarometer-{who}-{report.start}-{report.end}"
        response["Content-Disposition"] = f'attachment; filename="{csv_export.filename(stem, fmt)}"'
        return response
