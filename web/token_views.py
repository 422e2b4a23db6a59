"""API tokens in the web UI: a person creates one per integration (the key shown once) and
revokes theirs; an administrator also sees and revokes their organisation's."""

from __future__ import annotations

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from access import selectors as access_selectors
from access import services as access_services
from access.models import ApiToken

from .views import _call, domain_errors


class ApiTokenForm(django_forms.Form):
    name = django_forms.CharField(
        label=gettext_lazy("Name of the integration"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=gettext_lazy("For example the agenda system or the ESDH that will use it."),
    )
    days = django_forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        min_value=1,
        initial=lambda: settings.SPOR_API_TOKEN_DAYS,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].max_value = settings.SPOR_API_TOKEN_MAX_DAYS
        self.fields["days"].widget.attrs["max"] = settings.SPOR_API_TOKEN_MAX_DAYS


@login_required
@domain_errors
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        result = _call(form, access_services.create_token, actor=request.user, **form.cleaned_data)
        if result is not None:
            key = result[1]
            form = ApiTokenForm()
    tokens = list(access_selectors.tokens_visible_to(request.user).order_by("-created_at", "-id"))
    return render(
        request,
        "web/api_tokens.html",
        {
            "form": form,
            "key": key,
            "mine": [token for token in tokens if token.owner_id == request.user.pk],
            "others": [token for token in tokens if token.owner_id != request.user.pk],
        },
    )


@require_POST
@login_required
@domain_errors
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = access_services.revoke_token(actor=request.user, token=pk)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api_tokens")
