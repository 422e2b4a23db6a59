"""The benchmark's baseline: plain Django views doing the same database work as two API
endpoints, without Django REST framework. Served only by ``benchmarks/api_bench.py``.

- ``GET /bench/baseline/innovations/``: token lookup, the caller's innovations (the same
  selector), a count and one page of 50, the same fields, as JSON.
- ``POST /bench/baseline/decisions/``: token lookup, the innovation and meeting scoped to
  the caller's organisation, ``record_decision`` with ``apply_transition`` (the same service,
  so the same writes), the decision's fields as JSON.
"""

from __future__ import annotations

import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from access.models import ApiToken
from access.services import hash_key
from decisions import services
from innovations.models import Innovation
from innovations.selectors import visible_innovations
from organisations.models import Meeting

FIELDS = [
    "id",
    "title",
    "need",
    "value_direction",
    "organisation_id",
    "committee_id",
    "owner_id",
    "state",
    "state_entered_at",
    "paused_from",
    "innovation_types",
    "intended_values",
    "collaborators",
    "reused_from_id",
    "shared",
    "solution",
    "frame_budget",
    "frame_deadline",
    "frame_scope",
    "kle_code",
    "contact_role",
    "stop_reason",
    "stop_learning",
    "created_at",
    "updated_at",
]


def _user(request):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Token "):
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("owner")
        .filter(key_hash=hash_key(header[6:]))
        .first()
    )
    return token.owner if token and token.owner.is_active else None


def _json(data, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder), status=status, content_type="application/json"
    )


def innovations(request):
    user = _user(request)
    if user is None:
        return JsonResponse({"detail": "unauthenticated"}, status=401)
    page = max(int(request.GET.get("page", 1)), 1)
    queryset = visible_innovations(user).select_related(None)  # as the API: ids only
    count = queryset.count()
    rows = []
    for innovation in queryset[(page - 1) * 50 : page * 50]:
        row = {field: getattr(innovation, field) for field in FIELDS}
        rows.append(row)
    return _json({"count": count, "next": None, "previous": None, "results": rows})


@csrf_exempt
def decisions(request):
    user = _user(request)
    if user is None:
        return JsonResponse({"detail": "unauthenticated"}, status=401)
    body = json.loads(request.body)
    innovation = Innovation.objects.filter(
        pk=body["innovation"], organisation_id=user.organisation_id
    ).first()
    meeting = (
        Meeting.objects.select_related("committee")
        .filter(pk=body["meeting"], committee__organisation_id=user.organisation_id)
        .first()
    )
    if innovation is None or meeting is None:
        return JsonResponse({"detail": "not found"}, status=400)
    follow_up_date = body.get("follow_up_date")
    result = services.record_decision(
        actor=user,
        innovation=innovation,
        meeting=meeting,
        agenda_item=body["agenda_item"],
        transition=body.get("transition", ""),
        outcome=body["outcome"],
        resolution=body["resolution"],
        votes_for=body.get("votes_for"),
        votes_against=body.get("votes_against"),
        votes_abstaining=body.get("votes_abstaining"),
        minority_statements=body.get("minority_statements", ""),
        value_direction=body.get("value_direction", ""),
        follow_up_date=datetime.date.fromisoformat(follow_up_date) if follow_up_date else None,
        apply_transition=bool(body.get("apply_transition")),
    )
    decision = result.record
    data = {
        field: getattr(decision, field)
        for field in (
            "id",
            "innovation_id",
            "meeting_id",
            "agenda_item",
            "transition",
            "outcome",
            "resolution",
            "votes_for",
            "votes_against",
            "votes_abstaining",
            "minority_statements",
            "value_direction",
            "follow_up_date",
            "recorded_by_id",
            "recorded_at",
        )
    }
    data["applied"] = result.applied
    data["innovation_state"] = result.innovation.state
    return _json(data, status=201)


urlpatterns = [
    path("bench/baseline/innovations/", innovations),
    path("bench/baseline/decisions/", decisions),
    path("", include("workflow_project.urls")),
]
