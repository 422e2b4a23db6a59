"""Named API tokens: a person lists, creates and revokes theirs; an administrator also their
organisation's. The key is in the answer to the creation only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from access import selectors as access_selectors
from access import services as access_services
from access.models import ApiToken

from . import token_serializers as ts
from .views import ApiViewSet, parse


def created(token: ApiToken, key: str) -> dict:
    data = ts.ApiTokenCreatedOut(token).data
    data["token"] = key
    return data


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    queryset = ApiToken.objects.none()  # for the schema; get_queryset scopes
    serializer_class = ts.ApiTokenOut
    ordering_fields = ["id", "created_at", "expires_at"]

    def get_queryset(self):
        return access_selectors.tokens_visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=ts.ApiTokenIn, responses={201: ts.ApiTokenCreatedOut})
    def create(self, request):
        data = parse(ts.ApiTokenIn, request)
        token, key = access_services.create_token(actor=request.user, **data)
        return Response(created(token, key), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ts.ApiTokenOut}, filters=False)
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def revoke(self, request, pk=None):
        token = access_services.revoke_token(actor=request.user, token=self.get_object())
        return Response(ts.ApiTokenOut(token).data)
