"""Writes of innovations themselves (not their phase: that is ``decisions.services``)."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files import File
from django.core.validators import EmailValidator, URLValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from notifications.signals import notify

from audit import services as audit
from core.errors import NotFound, PermissionDenied, TransitionNotPossible, ValidationFailed
from organisations.models import Committee, Organisation, Role, User

from . import hooks
from .documents import DocumentRejected, check_upload
from .locks import lock_innovation, permissions
from .models import (
    Collaborator,
    Document,
    DocumentKind,
    Effect,
    EffectBasis,
    Evaluation,
    EvaluationMethod,
    Innovation,
    InnovationType,
    RaisedBy,
    Reuse,
    SharingAction,
    SharingEvent,
    SpreadingRecommendation,
    State,
    StatusAssessment,
    StatusReport,
    Value,
)

# The frame (budget, deadline, scope) is not here: it is the mandate card's in force
# (``decisions.mandate_services``), copied onto the innovation when the mandate is given or
# amended, and read from there.
EDITABLE_FIELDS = (
    "title",
    "need",
    "value_direction",
    "solution",
    "committee",
    "owner",
    "collaborators",
    "innovation_types",
    "intended_values",
    "kle_code",
    "case_number",
    "contact_role",
    "raised_by",
)


def _check_length(errors: dict, model, field: str, value: str) -> None:
    """The model field's own length (its max_length validator): the one source of it."""
    try:
        model._meta.get_field(field).run_validators(value)
    except DjangoValidationError as error:
        errors.setdefault(field, []).extend(error.messages)


def _clean_choice_list(
    errors: dict, field: str, values: Any, choices: type[models.TextChoices]
) -> list[str]:
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
    if "title" in cleaned:
        _check_length(errors, Innovation, "title", cleaned["title"])
    for key in ("value_direction", "solution", "contact_role", "kle_code", "case_number"):
        if key in data:
            cleaned[key] = (data[key] or "").strip()
    if len(cleaned.get("case_number", "")) > 100:
        errors.setdefault("case_number", []).append(_("At most 100 characters."))
    if "raised_by" in data:
        raised_by = data["raised_by"] or ""
        if raised_by and raised_by not in RaisedBy.values:
            errors.setdefault("raised_by", []).append(
                _("Choose one of: %(values)s.") % {"values": ", ".join(RaisedBy.values)}
            )
        cleaned["raised_by"] = raised_by
    if cleaned.get("kle_code") and not _valid_kle(cleaned["kle_code"]):
        errors.setdefault("kle_code", []).append(_("A KLE code looks like 27.24.00."))
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
        hooks.innovation_created(actor=actor, innovation=innovation)
    return innovation


def update_innovation(*, actor, innovation: Innovation, **data: Any) -> Innovation:
    """Change an innovation's description. Its phase moves only by ``apply_transition``."""
    with transaction.atomic():
        locked = lock_innovation(
            actor,
            innovation,
            members_only=True,
            may=permissions.can_edit_innovation,
            denied=_("You may not change this innovation."),
        )
        cleaned = _clean_fields(locked.organisation, data, creating=False)
        if "committee" in cleaned and cleaned["committee"].pk != locked.committee_id:
            # Moving the responsible committee is a political act: an administrator does it,
            # with a reason, through change_committee (the committee's page, or the API's
            # POST /innovations/{id}/committee/). An edit never does it in passing.
            raise ValidationFailed(
                {
                    "committee": [
                        _(
                            "The responsible committee is changed only by an administrator, "
                            "with a reason, through “Change the responsible committee”."
                        )
                    ]
                }
            )
        cleaned.pop("committee", None)
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
        before = audit.snapshot(locked, changed)
        for key in changed:
            setattr(locked, key, cleaned[key])
        locked.save(update_fields=[*changed, "updated_at"])
        audit.record_change(
            actor=actor,
            instance=locked,
            before=before,
            after=audit.snapshot(locked, changed),
            innovation_id=locked.pk,
        )
    return locked


def change_committee(
    *, actor, innovation: Innovation, committee: Committee | int, reason: str
) -> Innovation:
    """An administrator moves the innovation to another responsible committee, and says why.

    The open decision and follow-up checkpoints at the committee it leaves move with it.
    Recorded evidence keeps the committee it was recorded at (its meeting's committee).
    """
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why the responsible committee changes.")]
    committee_id = committee.pk if isinstance(committee, Committee) else committee
    found = Committee.objects.filter(pk=committee_id).first() if committee_id else None
    with transaction.atomic():
        locked = lock_innovation(
            actor,
            innovation,
            members_only=True,
            may=lambda actor, locked: permissions.is_administrator_of(
                actor, locked.organisation_id
            ),
            denied=_(
                "Only an administrator of the organisation changes the responsible committee."
            ),
        )
        if found is None or found.organisation_id != locked.organisation_id:
            errors["committee"] = [_("Choose a committee of your organisation.")]
        elif found.pk == locked.committee_id:
            errors["committee"] = [_("The innovation is already at this committee.")]
        if errors:
            raise ValidationFailed(errors)
        found = cast(Committee, found)  # checked above: errors raised when it is None
        previous = locked.committee
        locked.committee = found
        locked.save(update_fields=["committee", "updated_at"])
        hooks.committee_changed(
            actor=actor, innovation=locked, previous=previous, committee=found, reason=reason
        )
        audit.record_change(
            actor=actor,
            instance=locked,
            before={"committee": previous.pk, "reason": None},
            after={"committee": found.pk, "reason": reason},
            innovation_id=locked.pk,
        )
    return locked


def submit_evaluation(
    *,
    actor,
    innovation: Innovation,
    method: str,
    effects: dict[str, dict[str, str]] | None = None,
    learning: str = "",
    recommendation: str = "",
    spreading: str = "",
) -> Evaluation:
    """An official, secretary or administrator submits the evaluation of an innovation.

    Only while the innovation is ``evaluating``. The evaluation is held against what the
    mandate asked for: it states the method, what was learned, and for every intended value
    an effect (``unknown`` with a why), and keeps the value direction and the intended values
    as they stand. Submitting it completes the evaluation checkpoint; an evaluation of the
    current evaluating phase meets the ``spread``/``complete`` condition.
    """
    errors: dict[str, list[str]] = {}
    if method not in EvaluationMethod.values or method == EvaluationMethod.NONE:
        errors["method"] = [
            _("Say how the innovation was evaluated: %(values)s.")
            % {
                "values": ", ".join(
                    v for v in EvaluationMethod.values if v != EvaluationMethod.NONE
                )
            }
        ]
    learning = (learning or "").strip()
    if not learning:
        errors["learning"] = [_("Say what was learned.")]
    spreading = (spreading or "").strip()
    if spreading and spreading not in SpreadingRecommendation.values:
        errors["spreading"] = [
            _("Choose one of: %(values)s.") % {"values": ", ".join(SpreadingRecommendation.values)}
        ]
    effects = effects or {}
    if not isinstance(effects, dict):
        errors.setdefault("effects", []).append(_("Give the effects per value."))
        effects = {}
    for value, effect in effects.items():
        if value not in Value.values:
            errors.setdefault("effects", []).append(
                _("Unknown value: %(value)s.") % {"value": value}
            )
        elif not isinstance(effect, dict) or effect.get("effect") not in Effect.values:
            errors.setdefault("effects", []).append(
                _("The effect on %(value)s must be improved, unchanged, worse or unknown.")
                % {"value": value}
            )
        elif (effect.get("basis") or "assessed") not in EffectBasis.values:
            errors.setdefault("effects", []).append(_("The basis must be measured or assessed."))
        elif effect["effect"] == Effect.UNKNOWN and not str(effect.get("text") or "").strip():
            errors.setdefault("effects", []).append(
                _("Say why the effect on %(value)s is unknown.")
                % {"value": str(Value(value).label).lower()}
            )
    with transaction.atomic():
        locked = lock_innovation(
            actor,
            innovation,
            members_only=True,
            may=permissions.can_edit_innovation,
            denied=_(
                "Only the owning official, a secretary or an administrator submits evaluations."
            ),
        )
        if locked.state != State.EVALUATING:
            raise TransitionNotPossible(
                _("An evaluation is submitted while the innovation is being evaluated."),
                reasons=[_("it is in the phase %(state)s") % {"state": locked.get_state_display()}],
            )
        for value in locked.intended_values or []:
            if value in Value.values and value not in effects:
                errors.setdefault("effects", []).append(
                    _("State the effect on %(value)s (or “unknown”, and why).")
                    % {"value": str(Value(value).label).lower()}
                )
        if errors:
            raise ValidationFailed(errors)
        recorded = {
            k: {
                "effect": v["effect"],
                "basis": v.get("basis") or "assessed",
                "text": str(v.get("text") or "").strip(),
            }
            for k, v in effects.items()
        }
        evaluation = Evaluation.objects.create(
            innovation=locked,
            method=method,
            effects={v: recorded[v] for v in Value.values if v in recorded},
            learning=learning,
            recommendation=(recommendation or "").strip(),
            spreading=spreading,
            value_direction=locked.value_direction,
            intended_values=list(locked.intended_values or []),
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        hooks.evaluation_submitted(actor=actor, evaluation=evaluation)
    return evaluation


# --- Documentation and status reports -------------------------------------------------------


def _lock_for_writing(actor, innovation: Innovation | int, *, denied: str) -> Innovation:
    return lock_innovation(
        actor, innovation, members_only=True, may=permissions.can_edit_innovation, denied=denied
    )


def _clean_case_link(errors: dict, link: str) -> str:
    link = (link or "").strip()
    if not link:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(link)
    except DjangoValidationError:
        errors.setdefault("link", []).append(
            _("Give the full address of the case, starting with https://.")
        )
    if len(link) > 1000:
        errors.setdefault("link", []).append(_("At most 1000 characters."))
    return link


def submit_document(
    *,
    actor,
    innovation: Innovation,
    title: str,
    kind: str = DocumentKind.DOCUMENTATION,
    file: File | None = None,
    link: str = "",
) -> Document:
    """Attach a file (kept in the media storage) or a link to the case system.

    The file must be one of the allowed types, by its name and by its content, and no
    larger than the limit (``SPOR_DOCUMENT_MAX_BYTES``, 20 MB by default).
    """
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the document a title.")]
    else:
        _check_length(errors, Document, "title", title)
    if kind not in DocumentKind.values:
        errors["kind"] = [
            _("Choose one of: %(values)s.") % {"values": ", ".join(DocumentKind.values)}
        ]
    link = _clean_case_link(errors, link)
    accepted = None
    if file is not None and link:
        errors.setdefault("file", []).append(_("Upload a file or give a link, not both."))
    elif file is None and not link:
        errors.setdefault("file", []).append(_("Upload a file or give a link to the case."))
    elif file is not None:
        try:
            accepted = check_upload(
                getattr(file, "name", "") or "", getattr(file, "size", None), file
            )
        except DocumentRejected as exc:
            errors.setdefault("file", []).append(str(exc))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock_for_writing(
            actor,
            innovation,
            denied=_("Only the owning official, a secretary or an administrator adds documents."),
        )
        document = Document(
            innovation=locked,
            title=title,
            kind=kind,
            link=link,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        if accepted is not None:
            document.original_name = accepted.name
            document.content_type = accepted.content_type
            document.size = accepted.size
            # Writes the file to the storage; a rollback after this leaves an orphan file,
            # never a row without its file.
            document.file.save(accepted.name, file, save=False)
        document.save()
        hooks.document_submitted(actor=actor, document=document)
    return document


def submit_status_report(
    *,
    actor,
    innovation: Innovation,
    assessment: str,
    summary: str,
    next_steps: str = "",
    document: Document | None = None,
) -> StatusReport:
    """The administration's status on an innovation, to put before the committee."""
    errors: dict[str, list[str]] = {}
    if assessment not in StatusAssessment.values:
        errors["assessment"] = [
            _("Choose one of: %(values)s.") % {"values": ", ".join(StatusAssessment.values)}
        ]
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = [_("Describe the status.")]
    if document is not None and document.innovation_id != innovation.pk:
        errors["document"] = [_("The document belongs to another innovation.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock_for_writing(
            actor,
            innovation,
            denied=_(
                "Only the owning official, a secretary or an administrator submits status reports."
            ),
        )
        report = StatusReport.objects.create(
            innovation=locked,
            assessment=assessment,
            summary=summary,
            next_steps=(next_steps or "").strip(),
            document=document,
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        hooks.status_report_submitted(actor=actor, status_report=report)
    return report


# --- Sharing and reuse ----------------------------------------------------------------------

# What a reusing organisation's new innovation takes from the shared one. Each of these is
# also on the catalogue entry; nothing else crosses between organisations.
REUSED_FIELDS = (
    "title",
    "need",
    "value_direction",
    "solution",
    "innovation_types",
    "intended_values",
    "kle_code",
)


SHARING_FIELDS = ["shared", "shared_at", "shared_by", "contact_role", "shared_summary"]
# What the reuse registration keeps of the catalogue entry as the reuser saw it (each is a
# field of ``catalogue.CatalogueEntry``).
SNAPSHOT_FIELDS = (
    *REUSED_FIELDS,
    "shared_summary",
    "contact_role",
)


def _snapshot(source: Innovation) -> dict[str, Any]:
    snapshot = {field: _copy(getattr(source, field)) for field in SNAPSHOT_FIELDS}
    snapshot.update(
        phase=source.state,
        organisation_name=source.organisation.name,
        organisation_code=source.organisation.code,
        shared_at=source.shared_at.isoformat() if source.shared_at else None,
    )
    return snapshot


def share_innovation(
    *,
    actor,
    innovation: Innovation,
    contact_role: str | None = None,
    shared_summary: str | None = None,
    contact_email: str | None = None,
) -> Innovation:
    """An administrator puts the innovation in the catalogue, or changes its shared entry.

    The contact is a role (e.g. "Innovationskonsulent, Sundhed og Omsorg"), never a person's
    name: the catalogue holds no personal data beyond what the organisation chooses.
    """
    errors: dict[str, list[str]] = {}
    if contact_role is not None:
        contact_role = contact_role.strip()
        if len(contact_role) > 200:
            errors["contact_role"] = [_("At most 200 characters.")]
    if shared_summary is not None:
        shared_summary = shared_summary.strip()
        if len(shared_summary) > 5000:
            errors["shared_summary"] = [_("At most 5000 characters.")]
    if contact_email is not None:
        contact_email = contact_email.strip()
        if contact_email:
            try:
                EmailValidator()(contact_email)
            except DjangoValidationError:
                errors["contact_email"] = [_("Enter a valid e-mail address.")]
            if len(contact_email) > 254:
                errors["contact_email"] = [_("At most 254 characters.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock_for_sharing(actor, innovation)
        changes: dict[str, Any] = {}
        if contact_email is not None and contact_email != locked.contact_email:
            changes["contact_email"] = contact_email
        if contact_role is not None and contact_role != locked.contact_role:
            changes["contact_role"] = contact_role
        if shared_summary is not None and shared_summary != locked.shared_summary:
            changes["shared_summary"] = shared_summary
        if not (changes.get("contact_role", locked.contact_role) or "").strip():
            raise ValidationFailed(
                {"contact_role": [_("Give the role others can contact about it.")]}
            )
        if locked.shared and not changes:
            return locked
        before = audit.snapshot(locked, SHARING_FIELDS)
        now = timezone.now()
        action = SharingAction.CHANGED if locked.shared else SharingAction.SHARED
        if not locked.shared:
            changes.update(shared=True, shared_at=now, shared_by=actor)
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.save(update_fields=[*changes, "updated_at"])
        SharingEvent.objects.create(innovation=locked, action=action, actor=actor, at=now)
        audit.record_change(
            actor=actor,
            instance=locked,
            before=before,
            after=audit.snapshot(locked, SHARING_FIELDS),
            innovation_id=locked.pk,
        )
    return locked


def unshare_innovation(*, actor, innovation: Innovation) -> Innovation:
    """An administrator takes the innovation out of the catalogue; it is gone at once."""
    with transaction.atomic():
        locked = _lock_for_sharing(actor, innovation)
        if not locked.shared:
            return locked
        before = audit.snapshot(locked, SHARING_FIELDS)
        locked.shared = False
        locked.shared_at = None
        locked.save(update_fields=["shared", "shared_at", "updated_at"])
        SharingEvent.objects.create(
            innovation=locked, action=SharingAction.UNSHARED, actor=actor, at=timezone.now()
        )
        audit.record_change(
            actor=actor,
            instance=locked,
            before=before,
            after=audit.snapshot(locked, SHARING_FIELDS),
            innovation_id=locked.pk,
        )
    return locked


def _lock_for_sharing(actor, innovation: Innovation | int) -> Innovation:
    return lock_innovation(
        actor,
        innovation,
        members_only=True,
        may=lambda actor, locked: permissions.is_administrator_of(actor, locked.organisation_id),
        denied=_("Only an administrator shares innovations with others."),
    )


def reuse_innovation(
    *,
    actor,
    origin: Innovation | int,
    committee: Committee | int | None = None,
    named: bool = False,
) -> Innovation:
    """An official or administrator takes up another organisation's shared innovation.

    Their own innovation starts in ``need`` (it still needs its own mandate) with the shared
    fields copied and ``reused_from`` set. ``named`` is the organisation's consent to appear
    by name on the catalogue entry. The origin's administrators are told after commit.
    """
    organisation = actor.organisation if actor and actor.is_authenticated else None
    if organisation is None or actor.role not in (Role.OFFICIAL, Role.ADMINISTRATOR):
        raise PermissionDenied(_("Only officials and administrators can reuse an innovation."))
    origin_pk = origin.pk if isinstance(origin, Innovation) else origin
    if committee is None:
        committee = Committee.objects.filter(organisation=organisation, is_council=True).first()
    cleaned = _clean_fields(organisation, {"committee": committee}, creating=False)
    with transaction.atomic():
        # The origin's lock serialises reuses of one innovation, so the duplicate check holds.
        source = (
            Innovation.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk=origin_pk, shared=True)
            .first()
        )
        if source is None:
            raise NotFound(_("The innovation is not in the catalogue."))
        if source.organisation_id == organisation.pk:
            raise ValidationFailed(
                _("This innovation is your own organisation's; it cannot be reused by it.")
            )
        earlier = (
            Reuse.objects.filter(origin=source, organisation=organisation)
            .exclude(innovation__state=State.STOPPED)
            .select_related("innovation")
            .first()
        )
        if earlier is not None:
            raise ValidationFailed(
                _("Your organisation already reuses this innovation as “%(title)s”.")
                % {"title": earlier.innovation.title}
            )
        now = timezone.now()
        innovation = Innovation.objects.create(
            organisation=organisation,
            committee=cleaned["committee"],
            owner=actor if actor.role == Role.OFFICIAL else None,
            created_by=actor,
            reused_from=source,
            **{field: _copy(getattr(source, field)) for field in REUSED_FIELDS},
        )
        hooks.innovation_created(actor=actor, innovation=innovation)
        registration = Reuse.objects.create(
            origin=source,
            innovation=innovation,
            organisation=organisation,
            named=bool(named),
            snapshot=_snapshot(source),
            registered_by=actor,
            registered_at=now,
        )
        SharingEvent.objects.create(
            innovation=source, action=SharingAction.REUSED, actor=actor, at=now
        )
        transaction.on_commit(lambda: _notify_origin_of_reuse(registration.pk))
    return innovation


def set_reuse_naming(*, actor, innovation: Innovation, named: bool) -> Reuse:
    """The reusing organisation's administrator gives or withdraws consent to be named."""
    with transaction.atomic():
        registration = (
            Reuse.objects.select_for_update(of=("self",))
            .filter(innovation_id=innovation.pk)
            .first()
        )
        if registration is None or not permissions.is_member_of_organisation(
            actor, registration.organisation_id
        ):
            raise NotFound(_("The innovation is not a reuse of your organisation."))
        if not permissions.is_administrator_of(actor, registration.organisation_id):
            raise PermissionDenied(_("Only an administrator decides whether to be named."))
        if registration.named == bool(named):
            return registration
        registration.named = bool(named)
        registration.save(update_fields=["named"])
    return registration


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _notify_origin_of_reuse(registration_pk: int) -> None:
    registration = (
        Reuse.objects.select_related("origin", "organisation", "registered_by")
        .filter(pk=registration_pk)
        .first()
    )
    if registration is None:
        return
    origin = registration.origin
    recipients = list(
        User.objects.filter(
            organisation_id=origin.organisation_id, role=Role.ADMINISTRATOR, is_active=True
        )
    )
    if not recipients:
        return
    # Without consent the reusing organisation stays unnamed, here as in the catalogue.
    who = registration.organisation.name if registration.named else _("Another organisation")
    notify.send(
        registration.organisation if registration.named else origin,
        recipient=recipients,
        verb="reused",
        target=origin,
        description=_("%(who)s reuses your shared innovation “%(title)s”.")
        % {"who": who, "title": origin.title},
        named=registration.named,
    )
