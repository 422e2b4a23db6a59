"""Writes of innovations themselves (not their phase: that is ``decisions.services``)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Committee, Organisation, Role, User

from . import permissions
from .errors import NotFound, PermissionDenied, ValidationFailed
from .models import (
    Collaborator,
    Evaluation,
    EvaluationMethod,
    Innovation,
    InnovationType,
    State,
    Value,
)

EDITABLE_FIELDS = (
    "title",
    "need",
    "value_direction",
    "solution",
    "frame_budget",
    "frame_deadline",
    "frame_scope",
    "committee",
    "owner",
    "collaborators",
    "innovation_types",
    "intended_values",
    "kle_code",
    "contact_role",
)


def _clean_choice_list(errors: dict, field: str, values: Any, choices: type) -> list[str]:
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple):
        errors.setdefault(field, []).append(_("Give a list."))
        return []
    unknown = [v for v in values if v not in choices.values]
    if unknown:
        errors.setdefault(field, []).append(
            _("Unknown: %(unknown)s. Choose from %(values)s.")
            % {"unknown": ", ".join(map(str, unknown)), "values": ", ".join(choices.values)}
        )
        return []
    return [v for v in choices.values if v in values]  # canonical order, no duplicates


def _clean_fields(
    organisation: Organisation, data: dict[str, Any], *, creating: bool
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            {key: [_("This field cannot be set here.")] for key in sorted(unknown)}
        )
    for key in ("title", "need"):
        if key in data or creating:
            value = (data.get(key) or "").strip()
            if not value:
                errors.setdefault(key, []).append(_("This field is required."))
            cleaned[key] = value
    if "title" in cleaned and len(cleaned["title"]) > 300:
        errors.setdefault("title", []).append(_("At most 300 characters."))
    for key in ("value_direction", "solution", "frame_scope", "contact_role", "kle_code"):
        if key in data:
            cleaned[key] = (data[key] or "").strip()
    if cleaned.get("kle_code") and not _valid_kle(cleaned["kle_code"]):
        errors.setdefault("kle_code", []).append(_("A KLE code looks like 27.24.00."))
    if "frame_budget" in data:
        value = data["frame_budget"]
        if value in (None, ""):
            cleaned["frame_budget"] = None
        else:
            try:
                budget = Decimal(str(value))
                if budget < 0 or budget >= Decimal("1e12"):
                    raise InvalidOperation
                cleaned["frame_budget"] = budget
            except (InvalidOperation, ValueError):
                errors.setdefault("frame_budget", []).append(
                    _("Enter an amount in DKK of 0 or more.")
                )
    if "frame_deadline" in data:
        value = data["frame_deadline"]
        if value in (None, ""):
            cleaned["frame_deadline"] = None
        elif isinstance(value, datetime.date):
            cleaned["frame_deadline"] = value
        else:
            try:
                cleaned["frame_deadline"] = datetime.date.fromisoformat(str(value))
            except ValueError:
                errors.setdefault("frame_deadline", []).append(_("Enter a date as YYYY-MM-DD."))
    if "committee" in data or creating:
        committee = data.get("committee")
        if isinstance(committee, int | str) and str(committee).isdigit():
            committee = Committee.objects.filter(pk=int(committee)).first()
        if not isinstance(committee, Committee) or committee.organisation_id != organisation.pk:
            errors.setdefault("committee", []).append(_("Choose a committee of your organisation."))
        else:
            cleaned["committee"] = committee
    if "owner" in data:
        owner = data["owner"]
        if isinstance(owner, int | str) and str(owner).isdigit():
            owner = User.objects.filter(pk=int(owner)).first()
        if owner is None:
            cleaned["owner"] = None
        elif not isinstance(owner, User) or owner.organisation_id != organisation.pk:
            errors.setdefault("owner", []).append(_("Choose a person of your organisation."))
        else:
            cleaned["owner"] = owner
    for key, choices in (
        ("collaborators", Collaborator),
        ("innovation_types", InnovationType),
        ("intended_values", Value),
    ):
        if key in data:
            cleaned[key] = _clean_choice_list(errors, key, data[key], choices)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _valid_kle(code: str) -> bool:
    parts = code.split(".")
    return 1 <= len(parts) <= 4 and all(p.isdigit() and len(p) == 2 for p in parts)


def create_innovation(*, actor, **data: Any) -> Innovation:
    """Raise a need: a new innovation in the phase ``need`` in the actor's organisation."""
    organisation = actor.organisation if actor and actor.is_authenticated else None
    if organisation is None or not permissions.can_create_innovation(actor, organisation.pk):
        raise PermissionDenied(
            _("Only administrators, secretaries and officials can raise an innovation.")
        )
    cleaned = _clean_fields(organisation, data, creating=True)
    if "owner" not in cleaned and actor.role == Role.OFFICIAL:
        cleaned["owner"] = actor
    with transaction.atomic():
        innovation = Innovation.objects.create(
            organisation=organisation, created_by=actor, **cleaned
        )
    return innovation


def update_innovation(*, actor, innovation: Innovation, **data: Any) -> Innovation:
    """Change an innovation's description. Its phase moves only by ``apply_transition``."""
    with transaction.atomic():
        try:
            locked = Innovation.objects.select_for_update(of=("self",)).get(pk=innovation.pk)
        except Innovation.DoesNotExist as exc:
            raise NotFound(_("The innovation does not exist.")) from exc
        if not permissions.can_view_innovation(actor, locked) or not actor.organisation_id:
            raise NotFound(_("The innovation does not exist."))
        if not permissions.can_edit_innovation(actor, locked):
            raise PermissionDenied(_("You may not change this innovation."))
        cleaned = _clean_fields(locked.organisation, data, creating=False)
        if (
            "value_direction" in cleaned
            and locked.state != State.NEED
            and cleaned["value_direction"] != locked.value_direction
        ):
            raise ValidationFailed(
                {
                    "value_direction": [
                        _(
                            "The value direction was set by the mandate; correct the decision instead."
                        )
                    ]
                }
            )
        changed = [key for key, value in cleaned.items() if getattr(locked, key) != value]
        if not changed:
            return locked
        for key in changed:
            setattr(locked, key, cleaned[key])
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


def submit_evaluation(
    *,
    actor,
    innovation: Innovation,
    method: str,
    effects: dict[str, dict[str, str]] | None = None,
    learning: str = "",
    recommendation: str = "",
) -> Evaluation:
    """An official, secretary or administrator submits the evaluation of an innovation."""
    errors: dict[str, list[str]] = {}
    if method not in EvaluationMethod.values:
        errors["method"] = [
            _("Choose one of: %(values)s.") % {"values": ", ".join(EvaluationMethod.values)}
        ]
    effects = effects or {}
    for value, effect in effects.items():
        if value not in Value.values:
            errors.setdefault("effects", []).append(
                _("Unknown value: %(value)s.") % {"value": value}
            )
        elif not isinstance(effect, dict) or effect.get("effect") not in (
            "improved",
            "unchanged",
            "worse",
            "unknown",
        ):
            errors.setdefault("effects", []).append(
                _("The effect on %(value)s must be improved, unchanged, worse or unknown.")
                % {"value": value}
            )
        elif effect.get("basis", "assessed") not in ("measured", "assessed"):
            errors.setdefault("effects", []).append(_("The basis must be measured or assessed."))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        try:
            locked = Innovation.objects.select_for_update(of=("self",)).get(pk=innovation.pk)
        except Innovation.DoesNotExist as exc:
            raise NotFound(_("The innovation does not exist.")) from exc
        if not permissions.can_view_innovation(actor, locked) or not actor.organisation_id:
            raise NotFound(_("The innovation does not exist."))
        if not permissions.can_edit_innovation(actor, locked):
            raise PermissionDenied(
                _("Only the owning official, a secretary or an administrator submits evaluations.")
            )
        evaluation = Evaluation.objects.create(
            innovation=locked,
            method=method,
            effects={
                k: {
                    "effect": v["effect"],
                    "basis": v.get("basis", "assessed"),
                    "text": str(v.get("text", "")),
                }
                for k, v in effects.items()
            },
            learning=(learning or "").strip(),
            recommendation=(recommendation or "").strip(),
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
    return evaluation
