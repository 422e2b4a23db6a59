"""The language of a page: the person's own choice, else Danish.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a Danish civil
servant with an English browser would land on English pages. Spor is Danish first: a signed-in
person gets the language of their preferences, anyone else the language they picked with the
switch (the cookie), and otherwise Danish.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def language_for(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in SUPPORTED:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in SUPPORTED:
        return cookie
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        # The API and the admin keep Django's negotiation; the pages are Danish first.
        if request.path_info.startswith("/api/"):
            return self.get_response(request)
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)
