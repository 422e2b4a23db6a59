"""What an identity provider says about the person signing in, read from a SAML assertion
(OIOSAML 3) or from OpenID Connect claims, in one shape for the services.

OIOSAML 3 names its attributes by URI (https://data.gov.dk/model/core/eid/...). The roles
come from the Basic Privilege Profile: a base64-encoded ``PrivilegeList`` of privilege groups,
each scoped to an organisation's CVR number; only the groups of the person's own CVR count.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

from defusedxml import ElementTree
from django.conf import settings

from .models import Protocol

EID = "https://data.gov.dk/model/core/eid/"
SAML_CVR = EID + "professional/cvr"
SAML_EMAIL = EID + "email"
SAML_FIRST_NAME = EID + "firstName"
SAML_LAST_NAME = EID + "lastName"
SAML_FULL_NAME = EID + "fullName"
SAML_PERSISTENT_UUID = EID + "professional/uuid/persistent"
SAML_PRIVILEGES = (
    EID + "privilegesIntermediate",
    # OIOSAML 2's name, still sent by some Context Handler set-ups.
    "dk:gov:saml:attribute:Privileges_intermediate",
)
CVR_SCOPE = re.compile(r"^urn:dk:gov:saml:cvrNumberIdentifier:([0-9]{8})$")


@dataclasses.dataclass(frozen=True)
class Claims:
    protocol: str
    issuer: str
    subject: str
    cvr: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    roles: tuple[str, ...] = ()


def _first(values: Any) -> str:
    if isinstance(values, list | tuple):
        values = values[0] if values else ""
    return str(values or "").strip()


def _split_name(full_name: str) -> tuple[str, str]:
    first, _space, last = full_name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def privileges(encoded: str, *, cvr: str) -> tuple[str, list[str]]:
    """The privileges of a Basic Privilege Profile list that hold in the CVR's organisation,
    and the CVR itself (the only scope, when the assertion names none)."""
    try:
        document = ElementTree.fromstring(base64.b64decode(encoded, validate=False))
    except (binascii.Error, ElementTree.ParseError, ValueError):
        return cvr, []
    groups: list[tuple[str, list[str]]] = []
    for group in document.iter():
        if not group.tag.endswith("PrivilegeGroup"):
            continue
        match = CVR_SCOPE.match(group.get("Scope", "").strip())
        values = [
            (element.text or "").strip()
            for element in group.iter()
            if element.tag.endswith("Privilege") and (element.text or "").strip()
        ]
        groups.append((match.group(1) if match else "", values))
    if not cvr:
        scopes = {scope for scope, _values in groups if scope}
        cvr = scopes.pop() if len(scopes) == 1 else ""
    return cvr, [value for scope, values in groups if scope == cvr for value in values]


def from_saml(session_info: Mapping[str, Any]) -> Claims:
    """Claims from pysaml2's ``session_info`` of a verified assertion."""
    # Attribute names compared without case: some identity providers lower-case them.
    attributes = {
        str(name).lower(): values for name, values in (session_info.get("ava") or {}).items()
    }
    name_id = session_info.get("name_id")
    subject = _first(attributes.get(SAML_PERSISTENT_UUID.lower())) or _first(
        getattr(name_id, "text", "")
    )
    cvr = _first(attributes.get(SAML_CVR.lower()))
    roles: list[str] = []
    for name in SAML_PRIVILEGES:
        for encoded in attributes.get(name.lower()) or []:
            cvr, found = privileges(str(encoded), cvr=cvr)
            roles.extend(found)
    first_name = _first(attributes.get(SAML_FIRST_NAME.lower()))
    last_name = _first(attributes.get(SAML_LAST_NAME.lower()))
    if not (first_name or last_name):
        first_name, last_name = _split_name(_first(attributes.get(SAML_FULL_NAME.lower())))
    return Claims(
        protocol=Protocol.SAML,
        issuer=str(session_info.get("issuer") or ""),
        subject=subject,
        cvr=cvr,
        first_name=first_name,
        last_name=last_name,
        email=_first(attributes.get(SAML_EMAIL.lower())),
        roles=tuple(dict.fromkeys(roles)),
    )


def _values(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return []


def from_oidc(id_token: Mapping[str, Any], userinfo: Mapping[str, Any]) -> Claims:
    """Claims from a verified ID token and the userinfo answer (the ID token wins)."""
    claims = {**userinfo, **id_token}
    roles_claim = settings.SPOR_OIDC_ROLES_CLAIM
    roles = [*_values(id_token.get(roles_claim)), *_values(userinfo.get(roles_claim))]
    first_name = _first(claims.get("given_name"))
    last_name = _first(claims.get("family_name"))
    if not (first_name or last_name):
        first_name, last_name = _split_name(_first(claims.get("name")))
    return Claims(
        protocol=Protocol.OIDC,
        issuer=_first(id_token.get("iss")),
        subject=_first(claims.get(settings.SPOR_OIDC_SUBJECT_CLAIM)),
        cvr=_first(claims.get(settings.SPOR_OIDC_CVR_CLAIM)) or settings.SPOR_OIDC_DEFAULT_CVR,
        first_name=first_name,
        last_name=last_name,
        email=_first(claims.get("email")) or _first(claims.get("preferred_username")),
        roles=tuple(dict.fromkeys(roles)),
    )
