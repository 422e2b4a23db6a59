"""The project's URLs and ``/bench/minimal/``: a view that touches neither database nor session."""

from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench-minimal"),
    path("", include("workflow_project.urls")),
]
