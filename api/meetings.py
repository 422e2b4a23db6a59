"""The meeting system's side of the API: meetings and agendas pushed by external id,
attendance and disqualifications.

``PUT /api/v1/meetings/by-external-id/{id}/`` is an idempotent upsert: the meeting system
sends the whole meeting with its agenda whenever it publishes or changes it; sending the
same agenda again changes nothing (200, the same body). It takes an integration token only
(``Authorization: Token <key>``, a named token of the ``access`` app), never a browser
session. docs/meeting-system.md says what to send.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from access.models import ApiToken
from agenda import selectors as agenda_selectors
from agenda import services as agenda_services
from agenda.models import AgendaItem, Attendance, AttendanceStatus, Disqualification
from core.errors import NotFound
from organisations import selectors as organisation_selectors
from organisations.models import Meeting

# --- Serializers ------------------------------------------------------------------------------


class AgendaItemIn(serializers.Serializer):
    number = serializers.CharField(max_length=20, help_text="The item's number, e.g. 4 or 4a.")
    title = serializers.CharField(max_length=500)
    external_id = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="The item's id in your system."
    )
    case_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    kle_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    closed = serializers.BooleanField(required=False, default=False)
    innovation = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Spor's id of the innovation, when known; else found by the case number.",
    )


class MeetingPushIn(serializers.Serializer):
    committee = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    date = serializers.DateField()
    start_time = serializers.TimeField(required=False, allow_null=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    minutes_url = serializers.URLField(max_length=200, required=False, allow_blank=True)
    items = AgendaItemIn(many=True, required=False)


class AgendaItemOut(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "number",
            "title",
            "external_id",
            "case_number",
            "kle_code",
            "closed",
            "innovation",
        ]


class MeetingAgendaOut(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "external_id",
            "committee",
            "date",
            "start_time",
            "location",
            "minutes_url",
            "items",
        ]

    def get_items(self, meeting) -> list[dict]:
        """A closed item's title, case number and innovation only for those who may see
        closed items (the committee, the administrators, the innovation's owner)."""
        request = self.context.get("request")
        lines = agenda_selectors.agenda_for(meeting, request.user) if request else []
        items = []
        for line in lines:
            data = AgendaItemOut(line.item).data
            if not line.shown:
                data.update(title="", case_number="", kle_code="", innovation=None)
            items.append(data)
        return items


class AttendanceRowIn(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    substitute_for = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    party_group = serializers.CharField(max_length=100, required=False, allow_blank=True)


class AttendanceIn(serializers.Serializer):
    attendance = AttendanceRowIn(many=True)


class AttendanceOut(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["person", "status", "substitute_for", "party_group"]


class DisqualificationRowIn(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DisqualificationsIn(serializers.Serializer):
    disqualified = DisqualificationRowIn(many=True)


class DisqualificationOut(serializers.ModelSerializer):
    class Meta:
        model = Disqualification
        fields = ["person", "reason"]


# --- Views ------------------------------------------------------------------------------------


def _parse(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _require_integration_token(request) -> None:
    if not isinstance(request.auth, ApiToken):
        raise exceptions.PermissionDenied(
            _("The meeting system sends agendas with an integration token (Authorization: Token).")
        )


def _meeting_in(external_id: str, data: dict) -> agenda_services.MeetingIn:
    return agenda_services.MeetingIn(
        external_id=external_id,
        committee=data["committee"],
        date=data["date"],
        start_time=data.get("start_time"),
        location=data.get("location", ""),
        minutes_url=data.get("minutes_url", ""),
        items=tuple(
            agenda_services.ItemIn(
                number=item["number"],
                title=item["title"],
                external_id=item.get("external_id", ""),
                case_number=item.get("case_number", ""),
                kle_code=item.get("kle_code", ""),
                closed=item.get("closed", False),
                innovation=item.get("innovation"),
            )
            for item in data.get("items", [])
        ),
    )


class MeetingByExternalIdView(APIView):
    """A meeting and its agenda, by its id in the meeting system."""

    @extend_schema(responses={200: MeetingAgendaOut}, operation_id="meetings_by_external_id")
    def get(self, request, external_id: str):
        meeting = (
            organisation_selectors.visible_meetings(request.user)
            .filter(external_id=external_id)
            .first()
        )
        if meeting is None:
            raise NotFound(_("No meeting with that id from the meeting system."))
        return Response(MeetingAgendaOut(meeting, context={"request": request}).data)

    @extend_schema(
        request=MeetingPushIn,
        responses={200: MeetingAgendaOut, 201: MeetingAgendaOut},
        operation_id="meetings_by_external_id_put",
    )
    def put(self, request, external_id: str):
        """Create or update the meeting and its whole agenda (idempotent)."""
        _require_integration_token(request)
        data = _parse(MeetingPushIn, request)
        result = agenda_services.push_meeting(
            actor=request.user, data=_meeting_in(external_id, data)
        )
        return Response(
            MeetingAgendaOut(result.meeting, context={"request": request}).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class MeetingAgendaView(APIView):
    """A meeting with its agenda items, by Spor's id (items to record decisions on)."""

    @extend_schema(responses={200: MeetingAgendaOut}, operation_id="meetings_agenda")
    def get(self, request, pk: int):
        meeting = organisation_selectors.visible_meetings(request.user).filter(pk=pk).first()
        if meeting is None:
            raise NotFound(_("The meeting does not exist."))
        return Response(MeetingAgendaOut(meeting, context={"request": request}).data)


class MeetingAttendanceView(APIView):
    """Who was present and absent at a meeting, and the substitutes."""

    def _meeting(self, request, pk: int) -> Meeting:
        meeting = organisation_selectors.visible_meetings(request.user).filter(pk=pk).first()
        if meeting is None:
            raise NotFound(_("The meeting does not exist."))
        return meeting

    @extend_schema(responses={200: AttendanceOut(many=True)})
    def get(self, request, pk: int):
        meeting = self._meeting(request, pk)
        return Response(AttendanceOut(agenda_selectors.attendance_of(meeting), many=True).data)

    @extend_schema(request=AttendanceIn, responses={200: AttendanceOut(many=True)})
    def put(self, request, pk: int):
        meeting = self._meeting(request, pk)
        data = _parse(AttendanceIn, request)
        agenda_services.record_attendance(
            actor=request.user,
            meeting=meeting,
            rows=[
                agenda_services.AttendanceIn(
                    person=row["person"],
                    status=row["status"],
                    substitute_for=row.get("substitute_for"),
                    party_group=row.get("party_group", ""),
                )
                for row in data["attendance"]
            ],
        )
        return Response(AttendanceOut(agenda_selectors.attendance_of(meeting), many=True).data)


class AgendaItemDisqualificationsView(APIView):
    """The members disqualified (inhabile) on an agenda item."""

    @extend_schema(request=DisqualificationsIn, responses={200: DisqualificationOut(many=True)})
    def put(self, request, pk: int):
        item = (
            AgendaItem.objects.filter(
                pk=pk, meeting__in=organisation_selectors.visible_meetings(request.user)
            )
            .only("pk")
            .first()
        )
        if item is None:
            raise NotFound(_("The agenda item does not exist."))
        data = _parse(DisqualificationsIn, request)
        rows = agenda_services.record_disqualifications(
            actor=request.user,
            agenda_item=item,
            people={row["person"]: row.get("reason", "") for row in data["disqualified"]},
        )
        return Response(DisqualificationOut(rows, many=True).data)
