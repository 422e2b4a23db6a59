"""What a locked-out person sees (django-axes calls ``locked_out``): when to try again, in
their language; JSON with ``Retry-After`` for the API, a page for the web and the admin."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    cool_off = get_cool_off(request)
    until = timezone.localtime(timezone.now() + cool_off)
    seconds = max(1, math.ceil(cool_off.total_seconds()))
    message = _(
        "Too many failed sign-ins. Sign-in is blocked for this user from your address; "
        "try again at %(time)s (in %(minutes)s minutes), or ask an administrator to unlock it."
    ) % {
        "time": formats.time_format(until, "H:i"),
        "minutes": math.ceil(seconds / 60),
    }
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": message, "retry_after": until.isoformat()},
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )
    else:
        response = render(
            request,
            "access/locked_out.html",
            {"message": message, "until": until},
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )
    response["Retry-After"] = str(seconds)
    return response
