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


# --- The contract is exact (issue 11, finding 9) ----------------------------------------


def _schema() -> dict:
    import yaml

    return yaml.safe_load(APIClient().get("/api/schema/").content)


def test_transition_options_say_their_evidence_may_be_null():
    options = _schema()["components"]["schemas"]["TransitionOptionOut"]["properties"]
    assert options["decision"].get("nullable") is True
    assert options["follow_up"].get("nullable") is True


def test_every_operation_documents_414():
    for path, operations in _schema()["paths"].items():
        for method, operation in operations.items():
            assert "414" in operation["responses"], (method, path)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/innovations/abc/",
        "/api/v1/innovations/1.5/",
        "/api/v1/innovations/1/transitions/NOT-A-NAME/",
        "/api/v1/documents/x/file/",
        "/api/v2/innovations/",
        "/api/nothing",
    ],
)
def test_a_malformed_path_under_the_api_answers_json_404(copenhagen, path):
    client = APIClient()
    client.force_authenticate(copenhagen.administrator)
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_crash_under_the_api_answers_json_500(rf):
    from api.views import handler500

    response = handler500(rf.get("/api/v1/innovations/"))
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert b"<html" not in handler500(rf.get("/api/v1/")).content
    assert b"html" in handler500(rf.get("/innovations/")).content.lower()


@pytest.mark.parametrize(
    "query",
    [
        {"page_size": "null"},
        {"page_size": "0"},
        {"page_size": "201"},
        {"page": "0"},
        {"page": "x"},
        {"committee": "0"},
        {"committee": ""},
        {"shared": "null"},
        {"state": ""},
    ],
)
def test_invalid_query_parameters_are_refused_with_400(copenhagen, query):
    client = APIClient()
    client.force_authenticate(copenhagen.administrator)
    response = client.get("/api/v1/innovations/", query)
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == set(query)


def test_valid_query_parameters_are_accepted(copenhagen):
    client = APIClient()
    client.force_authenticate(copenhagen.administrator)
    response = client.get(
        "/api/v1/innovations/",
        {"page_size": "200", "page": "1", "committee": "999999", "shared": "false"},
    )
    assert response.status_code == 200, response.content
