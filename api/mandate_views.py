"""The mandate card, the involvement log and the result against the card, over HTTP."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from decisions import mandate_selectors, mandate_services

from . import mandate_serializers as ms
from .catalogue_views import _innovation
from .views import parse


class MandateView(APIView):
    @extend_schema(responses={200: ms.MandateOut}, operation_id="innovations_mandate")
    def get(self, request, pk: int):
        """Every version of the innovation's mandate card (oldest first), the follow-ups held
        against it, and the result of the latest evaluation against it."""
        innovation = _innovation(request.user, pk)
        against = mandate_selectors.latest_mandate_evaluation(innovation)
        checks = [item.check for item in mandate_selectors.follow_ups_against_card(innovation)]
        return Response(
            ms.MandateOut(
                {
                    "versions": mandate_selectors.card_versions(innovation),
                    "follow_ups": checks,
                    "result": mandate_selectors.result_of(against) if against else None,
                }
            ).data
        )


class InvolvementView(APIView):
    # the participants are an object per group: JSON only
    parser_classes = [JSONParser]

    @extend_schema(responses={200: ms.InvolvementOut(many=True)}, operation_id="involvement_list")
    def get(self, request, pk: int):
        """The involvement log of exploration and testing, newest first."""
        innovation = _innovation(request.user, pk)
        activities = mandate_selectors.involvement_log(innovation)
        return Response(ms.InvolvementOut(activities, many=True).data)

    @extend_schema(
        request=ms.InvolvementIn,
        responses={201: ms.InvolvementOut},
        operation_id="involvement_create",
    )
    def post(self, request, pk: int):
        """Log an activity: the owning official, a secretary or an administrator, while the
        innovation is exploring or testing. The platform link is stored, never fetched."""
        innovation = _innovation(request.user, pk)
        data = parse(ms.InvolvementIn, request)
        activity = mandate_services.record_involvement(
            actor=request.user, innovation=innovation, **data
        )
        return Response(ms.InvolvementOut(activity).data, status=status.HTTP_201_CREATED)
