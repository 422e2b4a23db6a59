"""The personal calendar feed: a public URL whose secret token is the only credential."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from organisations.models import User

from .calendar import calendar_for


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    person = User.objects.filter(calendar_token=token, is_active=True).first() if token else None
    if person is None:
        raise Http404("No such calendar")
    response = HttpResponse(calendar_for(person), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="spor.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
