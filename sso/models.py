"""Single sign-on: who a person is at their identity provider, how the provider's roles map
to Spor's, and whether an organisation's people may still sign in with a password.

A SAML assertion (OIOSAML 3, e.g. KOMBIT's Context Handler) or an OpenID Connect ID token
(e.g. Microsoft Entra ID) names the person by an issuer and a subject; ``ExternalIdentity``
ties that pair to one ``User``. The organisation comes from the CVR number in the assertion
(``Organisation.cvr``) and the Spor role from the provider's roles or privileges through
``RoleMapping``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Role


class Protocol(models.TextChoices):
    SAML = "saml", _("SAML 2.0 (OIOSAML 3)")
    OIDC = "oidc", _("OpenID Connect")


class ExternalIdentity(models.Model):
    """A person as their identity provider names them: issuer and subject, one person each."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol.choices)
    issuer = models.CharField(_("identity provider"), max_length=500)
    subject = models.CharField(_("subject"), max_length=500)
    created_at = models.DateTimeField(_("first sign-in"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        ordering = ["person", "issuer"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="sso_identity_unique_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_protocol_display()})"

    @property
    def organisation_id(self) -> int | None:
        # The audit finds an object's organisation by this name.
        return self.person.organisation_id


class RoleMapping(models.Model):
    """One value of the identity provider (a privilege, an app role, a group) and the Spor
    role it gives. A row without an organisation holds for every organisation; an
    organisation's own row for the same value wins."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sso_role_mappings",
        help_text=_("Leave empty for a mapping that holds for every organisation."),
    )
    idp_value = models.CharField(
        _("role or privilege at the identity provider"),
        max_length=500,
        help_text=_(
            "Exactly as the identity provider sends it: a privilege URI from KOMBIT's "
            "Context Handler, an app role or group of Entra ID."
        ),
    )
    role = models.CharField(_("role in Spor"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role mapping")
        verbose_name_plural = _("role mappings")
        ordering = ["organisation", "idp_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "idp_value"],
                condition=Q(organisation__isnull=False),
                name="sso_rolemapping_unique_value",
            ),
            models.UniqueConstraint(
                fields=["idp_value"],
                condition=Q(organisation__isnull=True),
                name="sso_rolemapping_unique_value_everywhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idp_value} → {self.get_role_display()}"


class SignInPolicy(models.Model):
    """How an organisation's people sign in. Without a row, passwords are allowed."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="sign_in_policy",
    )
    local_passwords = models.BooleanField(
        _("sign-in with a Spor password"),
        default=True,
        help_text=_(
            "Off: the organisation's people sign in only through single sign-on. Its "
            "administrators keep their password, to get in when the identity provider is down."
        ),
    )

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policies")

    def __str__(self) -> str:
        return str(self.organisation)


class UsedAssertion(models.Model):
    """The id of every SAML assertion that signed someone in, until it expires: one that
    comes again is a replay and is refused, whichever session it comes in."""

    assertion_id = models.CharField(max_length=200, unique=True)
    not_on_or_after = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("used SAML assertion")
        verbose_name_plural = _("used SAML assertions")

    def __str__(self) -> str:
        return self.assertion_id
