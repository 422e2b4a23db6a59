"""The API of what politicians do: member proposals, requests to examine reuse, following
innovations, the committee's report (JSON and CSV) and the briefing of new members.

HTTP in and out only: input serializers, one service per write, selectors for reads.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from innovations import csv_export
from politics import selectors, services
from politics.models import MemberProposal, ReuseRequest, ReuseRequestEvent
from reminders import following
from reminders.models import Follow

from .catalogue_views import _FirstRenderer
from .pagination import Pagination
from .views import parse

# --- Serializers ------------------------------------------------------------------------------


class MemberProposalIn(serializers.Serializer):
    committee = serializers.IntegerField()
    title = serializers.CharField(max_length=300)
    need = serializers.CharField()
    proposal = serializers.CharField(help_text=_("What the committee is asked to decide."))


class MemberProposalOut(serializers.ModelSerializer):
    innovation_title = serializers.CharField(source="innovation.title")
    innovation_state = serializers.CharField(source="innovation.state")
    due_date = serializers.DateField(source="checkpoint.due_date", allow_null=True)

    class Meta:
        model = MemberProposal
        fields = [
            "id",
            "innovation",
            "innovation_title",
            "innovation_state",
            "committee",
            "proposed_by",
            "proposal",
            "meeting",
            "checkpoint",
            "due_date",
            "proposed_at",
        ]


class ReuseRequestIn(serializers.Serializer):
    origin = serializers.IntegerField(help_text=_("The catalogue entry's id."))
    committee = serializers.IntegerField()
    reason = serializers.CharField()


class ExaminationIn(serializers.Serializer):
    examination = serializers.CharField()


class WithdrawIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReuseRequestEventOut(serializers.ModelSerializer):
    class Meta:
        model = ReuseRequestEvent
        fields = ["status", "actor", "note", "at"]


class ReuseRequestOut(serializers.ModelSerializer):
    origin_title = serializers.CharField(source="origin.title")
    origin_organisation = serializers.CharField(source="origin.organisation.name")

    class Meta:
        model = ReuseRequest
        fields = [
            "id",
            "origin",
            "origin_title",
            "origin_organisation",
            "committee",
            "requested_by",
            "reason",
            "status",
            "examined_by",
            "examination",
            "innovation",
            "decision",
            "requested_at",
            "updated_at",
        ]


class ReuseRequestDetailOut(ReuseRequestOut):
    events = ReuseRequestEventOut(many=True, read_only=True)

    class Meta(ReuseRequestOut.Meta):
        fields = [*ReuseRequestOut.Meta.fields, "events"]


class FollowOut(serializers.ModelSerializer):
    innovation_title = serializers.CharField(source="innovation.title")
    own = serializers.SerializerMethodField()

    class Meta:
        model = Follow
        fields = ["innovation", "innovation_title", "own", "created_at"]

    def get_own(self, follow: Follow) -> bool:
        return follow.innovation.organisation_id == follow.person.organisation_id


class ReportQueryIn(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    months = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("No political follow-up for more than this many months (default 6)."),
    )


class ReportCsvQueryIn(ReportQueryIn):
    format = serializers.ChoiceField(
        choices=list(csv_export.FORMATS), required=False, default=csv_export.EXCEL
    )


class _Ref(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ReportOut(serializers.Serializer):
    committee = serializers.DictField()
    start = serializers.DateField()
    end = serializers.DateField()
    quiet_months = serializers.IntegerField()
    mandates = serializers.ListField(child=serializers.DictField())
    follow_ups_held = serializers.ListField(child=serializers.DictField())
    follow_ups_due = serializers.DictField()
    quiet = serializers.ListField(child=serializers.DictField())
    moves = serializers.ListField(child=serializers.DictField())
    stops = serializers.ListField(child=serializers.DictField())
    evaluations = serializers.ListField(child=serializers.DictField())


class BriefingOut(serializers.Serializer):
    committee = serializers.DictField()
    mandates = serializers.ListField(child=serializers.DictField())


def _ref(innovation) -> dict:
    return {"id": innovation.pk, "title": innovation.title}


def report_data(report: selectors.CommitteeReport) -> dict:
    due = report.follow_ups_due
    return {
        "committee": {"id": report.committee.pk, "name": report.committee.name},
        "start": report.start,
        "end": report.end,
        "quiet_months": report.quiet_months,
        "mandates": [
            {
                "decision": d.pk,
                "innovation": _ref(d.innovation),
                "meeting_date": d.meeting.date,
                "outcome": d.outcome,
                "value_direction": d.value_direction,
                "resolution": d.resolution,
                "frame": {
                    "budget": d.innovation.frame_budget,
                    "deadline": d.innovation.frame_deadline,
                    "scope": d.innovation.frame_scope,
                },
            }
            for d in report.mandates
        ],
        "follow_ups_held": [
            {
                "follow_up": f.pk,
                "innovation": _ref(f.innovation),
                "meeting_date": f.meeting.date,
                "assessment": f.assessment,
                "taken_note": f.taken_note,
            }
            for f in report.follow_ups_held
        ],
        "follow_ups_due": {
            "due": due.due,
            "answered": due.answered,
            "open_overdue": due.open_overdue,
            "open_not_yet_due": due.open_not_yet_due,
            "waived_or_cancelled": due.waived_or_cancelled,
        },
        "quiet": [
            {"innovation": _ref(i), "state": i.state, "last_political": i.last_political}
            for i in report.quiet
        ],
        "moves": [
            {"innovation": _ref(m.innovation), "at": m.at, "source": m.source, "target": m.target}
            for m in report.moves
        ],
        "stops": [
            {
                "innovation": _ref(m.innovation),
                "at": m.at,
                "source": m.source,
                "reason": m.reason,
                "learning": m.learning,
            }
            for m in report.stops
        ],
        "evaluations": [
            {
                "evaluation": e.pk,
                "innovation": _ref(e.innovation),
                "submitted_at": e.submitted_at,
                "verdict": selectors.evaluation_verdict(e),
                "spreading": e.spreading,
                "learning": e.learning,
            }
            for e in report.evaluations
        ],
    }


# --- Views ------------------------------------------------------------------------------------


class ProposalListView(ListAPIView):
    serializer_class = MemberProposalOut
    pagination_class = Pagination
    queryset = MemberProposal.objects.none()

    def get_queryset(self):
        return selectors.proposals_visible_to(self.request.user).order_by("-proposed_at", "-id")

    @extend_schema(
        request=MemberProposalIn,
        responses={201: MemberProposalOut},
        operation_id="proposals_create",
    )
    def post(self, request):
        """A politician raises a need as a member proposal for a committee they sit on."""
        data = parse(MemberProposalIn, request)
        proposal = services.raise_member_proposal(actor=request.user, **data)
        return Response(MemberProposalOut(proposal).data, status=status.HTTP_201_CREATED)


class ProposalDetailView(APIView):
    @extend_schema(responses={200: MemberProposalOut}, operation_id="proposals_retrieve")
    def get(self, request, pk: int):
        proposal = selectors.proposals_visible_to(request.user).filter(pk=pk).first()
        if proposal is None:
            raise NotFound(_("The proposal does not exist."))
        return Response(MemberProposalOut(proposal).data)


class ReuseRequestListView(ListAPIView):
    serializer_class = ReuseRequestOut
    pagination_class = Pagination
    queryset = ReuseRequest.objects.none()

    def get_queryset(self):
        return selectors.reuse_requests_visible_to(self.request.user).order_by(
            "-requested_at", "-id"
        )

    @extend_schema(
        request=ReuseRequestIn,
        responses={201: ReuseRequestOut},
        operation_id="reuse_requests_create",
    )
    def post(self, request):
        """A politician asks the administration to examine reusing a shared innovation."""
        data = parse(ReuseRequestIn, request)
        created = services.request_reuse_examination(actor=request.user, **data)
        return Response(ReuseRequestOut(created).data, status=status.HTTP_201_CREATED)


class ReuseRequestDetailView(APIView):
    @extend_schema(responses={200: ReuseRequestDetailOut}, operation_id="reuse_requests_retrieve")
    def get(self, request, pk: int):
        return Response(ReuseRequestDetailOut(selectors.reuse_request_for(request.user, pk)).data)


class ReuseRequestStartView(APIView):
    @extend_schema(
        request=None, responses={200: ReuseRequestOut}, operation_id="reuse_requests_start"
    )
    def post(self, request, pk: int):
        """An official or administrator takes the request up."""
        done = services.start_reuse_examination(actor=request.user, request=pk)
        return Response(ReuseRequestOut(done).data)


class ReuseRequestExaminationView(APIView):
    @extend_schema(
        request=ExaminationIn,
        responses={200: ReuseRequestOut},
        operation_id="reuse_requests_examination",
    )
    def post(self, request, pk: int):
        """The examination goes before the committee (the innovation is taken up in need)."""
        selectors.reuse_request_for(request.user, pk)  # another organisation's: 404 first
        data = parse(ExaminationIn, request)
        done = services.submit_reuse_examination(actor=request.user, request=pk, **data)
        return Response(ReuseRequestOut(done).data)


class ReuseRequestWithdrawView(APIView):
    @extend_schema(
        request=WithdrawIn, responses={200: ReuseRequestOut}, operation_id="reuse_requests_withdraw"
    )
    def post(self, request, pk: int):
        selectors.reuse_request_for(request.user, pk)
        data = parse(WithdrawIn, request)
        done = services.withdraw_reuse_request(actor=request.user, request=pk, **data)
        return Response(ReuseRequestOut(done).data)


class FollowListView(ListAPIView):
    """What you follow."""

    serializer_class = FollowOut
    pagination_class = Pagination
    queryset = Follow.objects.none()

    def get_queryset(self):
        return following.follows_of(self.request.user).select_related("person")


class FollowView(APIView):
    @extend_schema(request=None, responses={201: FollowOut}, operation_id="innovations_follow")
    def post(self, request, pk: int):
        """Follow an innovation of your organisation or a shared one."""
        follow = following.follow_innovation(actor=request.user, innovation=pk)
        return Response(FollowOut(follow).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, operation_id="innovations_unfollow")
    def delete(self, request, pk: int):
        following.unfollow_innovation(actor=request.user, innovation=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _report(request, pk: int, query: dict) -> selectors.CommitteeReport:
    committee = selectors.committee_for(request.user, pk)
    start, end, months = selectors.parse_period(
        query.get("start"), query.get("end"), query.get("months")
    )
    return selectors.committee_report(
        committee, start=start, end=end, quiet_months=months, viewer=request.user
    )


class CommitteeReportView(APIView):
    @extend_schema(
        parameters=[ReportQueryIn], responses={200: ReportOut}, operation_id="committee_report"
    )
    def get(self, request, pk: int):
        """The committee's report for a period (the last twelve months by default)."""
        query = parse(ReportQueryIn, request, data=request.query_params)
        return Response(report_data(_report(request, pk, query)))


class CommitteeReportCsvView(APIView):
    content_negotiation_class = _FirstRenderer

    @extend_schema(
        parameters=[ReportCsvQueryIn],
        responses={(200, "text/csv"): OpenApiTypes.STR},
        operation_id="committee_report_csv",
    )
    def get(self, request, pk: int):
        """The same report as CSV (Danish Excel by default)."""
        query = parse(ReportCsvQueryIn, request, data=request.query_params)
        report = _report(request, pk, query)
        fmt = query["format"]
        response = HttpResponse(
            "".join(selectors.report_csv_lines(report, fmt)),
            content_type="text/csv; charset=utf-8",
        )
        stem = f"udvalgsrapport-{report.committee.pk}-{report.start}-{report.end}"
        response["Content-Disposition"] = f'attachment; filename="{csv_export.filename(stem, fmt)}"'
        return response


class CommitteeBriefingView(APIView):
    @extend_schema(responses={200: BriefingOut}, operation_id="committee_briefing")
    def get(self, request, pk: int):
        """Every live mandate of the committee: value direction, phase, what is due next."""
        committee = selectors.committee_for(request.user, pk)
        return Response(
            {
                "committee": {"id": committee.pk, "name": committee.name},
                "mandates": [
                    {
                        "innovation": _ref(i),
                        "state": i.state,
                        "value_direction": i.value_direction,
                        "mandated_on": i.mandated_on,
                        "next_due": (
                            {"date": i.next_due_date, "kind": i.next_due_kind}
                            if i.next_due_date
                            else None
                        ),
                    }
                    for i in selectors.live_mandates(committee)
                ],
            }
        )
