"""The REST API v1: HTTP in and out, nothing else.

Each read goes through a selector scoped to the caller; each write parses its body with an
input serializer and calls exactly one service. Domain errors become HTTP in
``api.exceptions``.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from notifications.models import Notification
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from access import services as access_services
from core.db_router import reads_from_replica
from core.errors import NotFound, ValidationFailed
from decisions import selectors as decision_selectors
from decisions import services as decision_services
from decisions.mandate_selectors import share_that_met_their_mandate
from decisions.models import Correction, Decision, FollowUp
from innovations import selectors as innovation_selectors
from innovations import services as innovation_services
from innovations.models import Innovation
from innovations.workflow import spec_for, transition_names, workflow_graph
from organisations import selectors as organisation_selectors
from organisations import services as organisation_services
from organisations.models import Committee, Meeting, Organisation
from portfolio.filters import InnovationFilter
from portfolio.selectors import portfolio
from privacy import selectors as privacy_selectors
from reminders import selectors as reminder_selectors
from reminders import services as reminder_services
from reminders.models import Checkpoint
from webhooks import services as webhook_services
from webhooks.models import WebhookDelivery, WebhookEndpoint

from . import filters
from . import selectors as api_selectors
from . import serializers as s
from .pagination import Pagination

ID = "[0-9]+"


def parse(serializer_class, request, *, data=None, partial: bool = False) -> dict:
    if data is not None and hasattr(data, "getlist"):
        _refuse_empty_query_values(serializer_class(), data)
    serializer = serializer_class(
        data=request.data if data is None else data,
        context={"request": request},
        partial=partial,
    )
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _refuse_empty_query_values(serializer, query) -> None:
    """DRF skips ``?since=`` as if it were absent; the API says it is not a date."""
    errors = {
        name: [_("This field may not be blank.")]
        for name, field in serializer.fields.items()
        if name in query and query.get(name) == "" and not getattr(field, "allow_blank", False)
    }
    if errors:
        raise ValidationFailed(errors)


class ApiViewSet(viewsets.GenericViewSet):
    lookup_value_regex = ID
    pagination_class = Pagination
    filter_backends = [filters.StrictFilterBackend, filters.SafeOrderingFilter]
    ordering_fields: list[str] = ["id"]


# --- Auth -----------------------------------------------------------------------------------


class TokenView(APIView):
    """Exchange a username and password for a new named API token that expires
    (``Authorization: Token <token>``). Failed attempts count towards the lockout (axes)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(request=s.TokenIn, responses={200: s.TokenOut}, operation_id="auth_token")
    def post(self, request):
        data = parse(s.TokenIn, request)
        # Django's request, not DRF's: django-axes marks a lockout on it for its middleware.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise ValidationFailed(_("Unable to sign in with that username and password."))
        token, key = access_services.token_from_sign_in(user=user, name=data.get("name", ""))
        return Response({"token": key, "name": token.name, "expires_at": token.expires_at})


# --- Organisations, committees, meetings ----------------------------------------------------


class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The 98 municipalities and 5 regions: public reference data for everyone signed in."""

    queryset = Organisation.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.OrganisationOut
    filterset_class = filters.OrganisationFilter
    ordering_fields = ["id", "code", "name"]

    def get_queryset(self):
        return organisation_selectors.all_organisations()


class CommitteeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    queryset = Committee.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.CommitteeOut
    filterset_class = filters.CommitteeFilter
    ordering_fields = ["id", "name"]

    def get_queryset(self):
        return organisation_selectors.visible_committees(self.request.user)

    @extend_schema(request=s.CommitteeIn, responses={201: s.CommitteeOut})
    def create(self, request):
        data = parse(s.CommitteeIn, request)
        committee = organisation_services.create_committee(actor=request.user, **data)
        return Response(s.CommitteeOut(committee).data, status=status.HTTP_201_CREATED)


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    queryset = Meeting.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.MeetingOut
    filterset_class = filters.MeetingFilter
    ordering_fields = ["id", "date"]

    def get_queryset(self):
        return organisation_selectors.visible_meetings(self.request.user)

    @extend_schema(request=s.MeetingIn, responses={201: s.MeetingOut})
    def create(self, request):
        data = parse(s.MeetingIn, request)
        meeting = organisation_services.create_meeting(actor=request.user, **data)
        return Response(s.MeetingOut(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MeetingChangeIn, responses={200: s.MeetingOut})
    def partial_update(self, request, pk=None):
        """Change a meeting; its committee and date are frozen once evidence references it."""
        meeting = self.get_object()
        data = parse(s.MeetingChangeIn, request, partial=True)
        meeting = organisation_services.update_meeting(actor=request.user, meeting=meeting, **data)
        return Response(s.MeetingOut(meeting).data)


# --- Innovations ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search", str, description="Text in the title, the need or the value direction."
            )
        ]
    )
)
class InnovationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    queryset = Innovation.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.InnovationOut
    filterset_class = InnovationFilter
    filter_backends = [
        filters.StrictFilterBackend,
        filters.SafeSearchFilter,
        filters.SafeOrderingFilter,
    ]
    search_fields = ["title", "need", "value_direction", "case_number"]
    ordering_fields = ["id", "title", "state", "created_at", "updated_at", "state_entered_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # The output carries ids only: no joins, so the sort for a page stays narrow.
        return innovation_selectors.visible_innovations(self.request.user).select_related(None)

    @extend_schema(request=s.InnovationIn, responses={201: s.InnovationOut})
    def create(self, request):
        data = parse(s.InnovationIn, request)
        innovation = innovation_services.create_innovation(actor=request.user, **data)
        return Response(s.InnovationOut(innovation).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.InnovationDetailOut})
    def retrieve(self, request, pk=None):
        innovation = self.get_object()
        innovation.moves_on_corrected_evidence = decision_services.moves_on_corrected_evidence(
            innovation, viewer=request.user
        )
        return Response(s.InnovationDetailOut(innovation).data)

    @extend_schema(request=s.ChangeCommitteeIn, responses={200: s.InnovationOut}, filters=False)
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def committee(self, request, pk=None):
        """An administrator moves the innovation to another responsible committee, with a
        reason; its open decision and follow-up checkpoints move with it."""
        innovation = self.get_object()
        data = parse(s.ChangeCommitteeIn, request)
        innovation = innovation_services.change_committee(
            actor=request.user,
            innovation=innovation,
            committee=data["committee"],
            reason=data["reason"],
        )
        return Response(s.InnovationOut(innovation).data)

    @extend_schema(request=s.InnovationIn, responses={200: s.InnovationOut})
    def partial_update(self, request, pk=None):
        innovation = self.get_object()
        data = parse(s.InnovationIn, request, partial=True)
        innovation = innovation_services.update_innovation(
            actor=request.user, innovation=innovation, **data
        )
        return Response(s.InnovationOut(innovation).data)

    @extend_schema(responses={200: s.TransitionOptionOut(many=True)}, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        """Every transition from the current phase: available now, or the reasons why not."""
        innovation = self.get_object()
        options = decision_services.available_transitions(innovation, request.user)
        return Response(s.TransitionOptionOut(options, many=True).data)

    @extend_schema(
        request=s.TransitionIn,
        responses={200: s.InnovationOut},
        filters=False,
        operation_id="innovations_transitions_apply",
        parameters=[
            OpenApiParameter(
                "name",
                str,
                OpenApiParameter.PATH,
                enum=transition_names(),
            )
        ],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="transitions/(?P<name>[a-z_]+)",
        pagination_class=None,
        filter_backends=[],
    )
    def apply(self, request, pk=None, name=None):
        """Move the innovation on a recorded decision or follow-up."""
        innovation = self.get_object()
        if spec_for(name) is None:
            raise NotFound(_("There is no transition called “%(name)s”.") % {"name": name})
        data = parse(s.TransitionIn, request)
        result = decision_services.apply_transition(
            actor=request.user,
            innovation=innovation,
            transition=name,
            decision=data.get("decision"),
            follow_up=data.get("follow_up"),
            reason=data.get("reason", ""),
            learning=data.get("learning", ""),
            expected_state=data.get("expected_state"),
        )
        return Response(s.InnovationOut(result.innovation).data)

    @extend_schema(responses={200: s.TimelineEntryOut(many=True)}, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        """Decisions, follow-ups, corrections, transitions and checkpoints in time order."""
        innovation = self.get_object()
        entries = decision_selectors.timeline(innovation, viewer=request.user)
        return Response(s.TimelineEntryOut(entries, many=True).data)


# --- The decision trail ---------------------------------------------------------------------


class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Recorded decisions are immutable: PUT, PATCH and DELETE answer 405."""

    queryset = Decision.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.DecisionOut
    filterset_class = filters.DecisionFilter
    ordering_fields = ["id", "recorded_at", "meeting__date"]

    def get_queryset(self):
        return api_selectors.visible_decisions(self.request.user)

    @extend_schema(request=s.DecisionIn, responses={201: s.DecisionCreatedOut})
    def create(self, request):
        data = parse(s.DecisionIn, request)
        result = decision_services.record_decision(actor=request.user, **data)
        return Response(_recorded(s.DecisionCreatedOut, result), status=status.HTTP_201_CREATED)


class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Recorded follow-ups are immutable: PUT, PATCH and DELETE answer 405."""

    queryset = FollowUp.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.FollowUpOut
    filterset_class = filters.FollowUpFilter
    ordering_fields = ["id", "recorded_at", "meeting__date"]

    def get_queryset(self):
        return api_selectors.visible_follow_ups(self.request.user)

    @extend_schema(request=s.FollowUpIn, responses={201: s.FollowUpCreatedOut})
    def create(self, request):
        data = parse(s.FollowUpIn, request)
        result = decision_services.record_follow_up(actor=request.user, **data)
        return Response(_recorded(s.FollowUpCreatedOut, result), status=status.HTTP_201_CREATED)


def _recorded(serializer_class, result) -> dict:
    record = result.record
    # A record made a moment ago has no corrections yet: say so without asking the database.
    record._prefetched_objects_cache = {"corrections": Correction.objects.none()}
    record.applied = result.applied
    record.innovation_state = result.innovation.state
    return serializer_class(record).data


class CorrectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """A correction points at a decision or follow-up and says why; the original stays."""

    queryset = Correction.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.CorrectionOut
    filterset_class = filters.CorrectionFilter
    ordering_fields = ["id", "recorded_at"]

    def get_queryset(self):
        return api_selectors.visible_corrections(self.request.user).order_by("recorded_at", "id")

    @extend_schema(request=s.CorrectionIn, responses={201: s.CorrectionOut})
    def create(self, request):
        data = parse(s.CorrectionIn, request)
        correction = decision_services.record_correction(actor=request.user, **data)
        return Response(s.CorrectionOut(correction).data, status=status.HTTP_201_CREATED)


# --- Dashboard and workflow -----------------------------------------------------------------


class PortfolioView(APIView):
    @extend_schema(
        parameters=[s.PortfolioQueryIn], responses={200: s.PortfolioOut}, operation_id="portfolio"
    )
    @method_decorator(reads_from_replica)
    def get(self, request):
        """The portfolio's figures, over the innovations the caller may see."""
        query = parse(s.PortfolioQueryIn, request, data=request.query_params)
        figures = portfolio(
            request.user,
            organisation_id=query.get("organisation"),
            committee_id=query.get("committee"),
            since=query.get("since"),
        )
        scope = innovation_selectors.visible_innovations(request.user)
        if query.get("organisation"):
            scope = scope.filter(organisation_id=query["organisation"])
        if query.get("committee"):
            scope = scope.filter(committee_id=query["committee"])
        figures["mandates"] = share_that_met_their_mandate(scope)
        return Response(s.PortfolioOut(figures).data)


class PersonDataView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="person_data")
    def get(self, request, pk: int | None = None):
        """A person's data as JSON (GDPR access and portability): their profile, memberships,
        what they recorded, notifications and reminders. For the person themselves
        (``people/me/data/``) and their organisation's administrators."""
        person = request.user if pk is None else privacy_selectors.person_for(request.user, pk)
        return Response(privacy_selectors.person_data(request.user, person))


class MyDataView(PersonDataView):
    """``people/me/data/``: the caller's own data, under its own operation id."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="my_data")
    def get(self, request, pk: int | None = None):
        """The caller's own data as JSON (GDPR access and portability)."""
        return super().get(request)


class WorkflowView(APIView):
    @extend_schema(responses={200: s.WorkflowOut}, operation_id="workflow")
    def get(self, request):
        """The lifecycle as data: states, transitions, and what each requires."""
        return Response(s.WorkflowOut(workflow_graph()).data)


# --- Checkpoints and notifications ----------------------------------------------------------


class CheckpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """What is due: follow-ups, documentation, evaluations and decisions."""

    queryset = Checkpoint.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.CheckpointOut
    filterset_class = filters.CheckpointFilter
    ordering_fields = ["id", "due_date", "created_at"]

    def get_queryset(self):
        mine = self.request.query_params.get("mine", "").lower() in ("true", "1", "yes")
        return reminder_selectors.checkpoints_visible_to(self.request.user, status=None, mine=mine)

    @extend_schema(request=None, responses={200: s.CheckpointOut}, filters=False)
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def complete(self, request, pk=None):
        """The owner marks their documentation or evaluation checkpoint done by hand; a
        decision or follow-up checkpoint closes only by its evidence or a waiver (403)."""
        checkpoint = self.get_object()
        checkpoint = reminder_services.complete_checkpoint(
            actor=request.user, checkpoint=checkpoint
        )
        return Response(s.CheckpointOut(checkpoint).data)

    @extend_schema(request=s.WaiveIn, responses={200: s.CheckpointOut}, filters=False)
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def waive(self, request, pk=None):
        """An administrator decides the checkpoint is not needed, and says why."""
        checkpoint = self.get_object()
        data = parse(s.WaiveIn, request)
        checkpoint = reminder_services.waive_checkpoint(
            actor=request.user, checkpoint=checkpoint, reason=data["reason"]
        )
        return Response(s.CheckpointOut(checkpoint).data)


class NotificationViewSet(mixins.ListModelMixin, ApiViewSet):
    """Your own in-app notifications, newest first."""

    queryset = Notification.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.NotificationOut
    filterset_class = filters.NotificationFilter
    ordering_fields = ["id", "timestamp"]

    def get_queryset(self):
        return reminder_selectors.notifications_for(self.request.user)

    @extend_schema(responses={200: s.UnreadCountOut}, filters=False)
    @action(
        detail=False,
        methods=["get"],
        url_path="unread-count",
        pagination_class=None,
        filter_backends=[],
    )
    def unread_count(self, request):
        return Response({"unread_count": reminder_selectors.unread_count(request.user)})

    @extend_schema(request=None, responses={200: s.NotificationOut}, filters=False)
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def read(self, request, pk=None):
        notification = reminder_services.mark_notification_read(
            actor=request.user, notification_id=int(pk)
        )
        return Response(s.NotificationOut(notification).data)

    @extend_schema(request=None, responses={200: s.MarkedReadOut}, filters=False)
    @action(
        detail=False,
        methods=["post"],
        url_path="read-all",
        pagination_class=None,
        filter_backends=[],
    )
    def read_all(self, request):
        marked = reminder_services.mark_notifications_read(actor=request.user)
        return Response({"marked": marked})


# --- Webhooks -------------------------------------------------------------------------------


class IsAdministrator(permissions.BasePermission):
    message = _("Only administrators manage webhooks.")

    def has_permission(self, request, view) -> bool:
        return api_selectors.may_manage_webhooks(request.user)


class WebhookViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ApiViewSet
):
    """The organisation's webhook endpoints (administrators only)."""

    queryset = WebhookEndpoint.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.WebhookOut
    permission_classes = [permissions.IsAuthenticated, IsAdministrator]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return api_selectors.visible_webhooks(self.request.user).order_by("id")

    @extend_schema(request=s.WebhookIn, responses={201: s.WebhookCreatedOut})
    def create(self, request):
        data = parse(s.WebhookIn, request)
        endpoint = webhook_services.register_webhook(actor=request.user, **data)
        return Response(s.WebhookCreatedOut(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.WebhookIn, responses={200: s.WebhookOut})
    def partial_update(self, request, pk=None):
        endpoint = self.get_object()
        data = parse(s.WebhookIn, request, partial=True)
        endpoint = webhook_services.update_webhook(actor=request.user, endpoint=endpoint, **data)
        return Response(s.WebhookOut(endpoint).data)

    def perform_destroy(self, instance) -> None:
        webhook_services.delete_webhook(actor=self.request.user, endpoint=instance)


class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Every delivery attempt's latest outcome; replay sends an event again."""

    queryset = WebhookDelivery.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.WebhookDeliveryOut
    permission_classes = [permissions.IsAuthenticated, IsAdministrator]
    filterset_class = filters.DeliveryFilter
    ordering_fields = ["id", "created_at"]

    def get_queryset(self):
        return api_selectors.visible_deliveries(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses={202: s.WebhookDeliveryOut}, filters=False)
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def replay(self, request, pk=None):
        delivery = self.get_object()
        replay = webhook_services.replay_delivery(actor=request.user, delivery=delivery)
        return Response(s.WebhookDeliveryOut(replay).data, status=status.HTTP_202_ACCEPTED)


@csrf_exempt
def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def handler404(request, exception=None):
    """The site's 404: JSON for any path under /api/, Spor's page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def handler500(request):
    """The site's 500: JSON under /api/ (no details leave the server), the page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    return defaults.server_error(request)


def csrf_failure(request, reason: str = ""):
    """A refused CSRF check: JSON under /api/, Django's page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": _("CSRF check failed.")}, status=403)

    return django_csrf_failure(request, reason)


def handler400(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": _("Bad request."), "errors": {}}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a JSON 404, like every other error of the API."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
