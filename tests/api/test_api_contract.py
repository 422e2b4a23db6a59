"""The contract: the paths of issue 4 are in the schema, every operation describes its errors,
and the web UI's session works with its CSRF token (and not without)."""

from __future__ import annotations

import pytest
from django.middleware.csrf import get_token
from django.test import RequestFactory
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

CONTRACT_PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/organisations/",
    "/api/v1/committees/",
    "/api/v1/meetings/",
    "/api/v1/innovations/",
    "/api/v1/innovations/{id}/",
    "/api/v1/innovations/{id}/transitions/",
    "/api/v1/innovations/{id}/transitions/{name}/",
    "/api/v1/innovations/{id}/timeline/",
    "/api/v1/decisions/",
    "/api/v1/decisions/{id}/",
    "/api/v1/follow-ups/",
    "/api/v1/corrections/",
    "/api/v1/checkpoints/",
    "/api/v1/checkpoints/{id}/complete/",
    "/api/v1/checkpoints/{id}/waive/",
    "/api/v1/notifications/",
    "/api/v1/notifications/unread-count/",
    "/api/v1/notifications/{id}/read/",
    "/api/v1/notifications/read-all/",
    "/api/v1/dashboard/portfolio/",
    "/api/v1/workflow/",
    "/api/v1/webhooks/",
    "/api/v1/webhooks/deliveries/{id}/replay/",
]


@pytest.fixture
def schema() -> dict:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_every_contract_path_is_in_the_schema(schema):
    assert sorted(set(CONTRACT_PATHS) - set(schema["paths"])) == []
    assert APIClient().get("/api/docs/").status_code == 200


def test_every_operation_describes_its_errors(schema):
    missing = []
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            codes = set(operation["responses"])
            wanted = {"400", "404"}
            if path != "/api/v1/auth/token/":
                wanted |= {"401", "403"}
            if method in ("post", "patch", "put", "delete"):
                wanted.add("409")
            if not wanted <= codes:
                missing.append(f"{method.upper()} {path}: {sorted(wanted - codes)}")
    assert missing == []
    conflict = schema["components"]["schemas"]["ConflictOut"]
    assert set(conflict["properties"]) == {"detail", "reasons"}
    invalid = schema["components"]["schemas"]["ValidationErrorOut"]
    assert set(invalid["properties"]) == {"detail", "errors"}


def test_the_web_session_needs_its_csrf_token(copenhagen):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(copenhagen.secretary)
    body = {"title": "Ny idé", "need": "Et behov", "committee": copenhagen.committee.pk}

    refused = client.post("/api/v1/innovations/", body, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    accepted = client.post("/api/v1/innovations/", body, format="json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201
    assert client.get("/api/v1/innovations/").json()["count"] == 1
