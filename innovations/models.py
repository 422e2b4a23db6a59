"""The innovation and its lifecycle.

The lifecycle is declared once, as django-fsm transitions on ``Innovation``. Their
``conditions`` are ``Requirement`` objects that explain themselves: the engine asks each
for its reason when a transition is refused, and the graph export, the API's
``/workflow/`` and the README diagram read the same declarations.

Transition methods change the instance in memory only; ``decisions.services`` checks
permissions, locks the row, saves and writes the log in one transaction.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, FSMField, transition

from core.enums import APPROVED_OUTCOMES, EvidenceKind
from core.querysets import OrganisationScopedQuerySet


class State(models.TextChoices):
    NEED = "need", _("Need")
    EXPLORING = "exploring", _("Exploring")
    TESTING = "testing", _("Testing")
    IMPLEMENTING = "implementing", _("Implementing")
    EVALUATING = "evaluating", _("Evaluating")
    SPREADING = "spreading", _("Spreading")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


ACTIVE_STATES = [
    State.NEED,
    State.EXPLORING,
    State.TESTING,
    State.IMPLEMENTING,
    State.EVALUATING,
    State.SPREADING,
]
FINAL_STATES = [State.COMPLETED, State.STOPPED]


class InnovationType(models.TextChoices):
    SERVICE = "service", _("Service")
    PRODUCT = "product", _("Product")
    PROCESS = "process", _("Process or organisation")
    COMMUNICATION = "communication", _("Communication")


class Value(models.TextChoices):
    QUALITY = "quality", _("Quality")
    EFFICIENCY = "efficiency", _("Efficiency")
    CITIZEN_SATISFACTION = "citizen_satisfaction", _("Citizen satisfaction")
    EMPLOYEE_SATISFACTION = "employee_satisfaction", _("Employee satisfaction")
    DEMOCRACY = "democracy", _("Democracy")
    POLITICAL_GOALS = "political_goals", _("Political goals")


class Collaborator(models.TextChoices):
    CITIZENS = "citizens", _("Citizens")
    COMPANIES = "companies", _("Companies")
    STAFF = "staff", _("Staff")
    RESEARCH = "research", _("Research")
    PUBLIC_BODIES = "public_bodies", _("Other public bodies")
    VOLUNTEERS = "volunteers", _("Volunteers")


class RaisedBy(models.TextChoices):
    """Who raised the need: the barometer's "initiated by politicians" counts the first two."""

    POLITICIAN = "politician", _("A politician (e.g. a member proposal)")
    COMMITTEE = "committee", _("A committee or the council")
    ADMINISTRATION = "administration", _("The administration")
    CITIZENS = "citizens", _("Citizens, companies or other outside parties")


POLITICAL_INITIATIVE = (RaisedBy.POLITICIAN, RaisedBy.COMMITTEE)


@dataclasses.dataclass
class TransitionContext:
    """What the engine knows when it tries a transition: the evidence and its facts.

    The service fills the facts that need the database (whether the evidence already
    authorised a transition, whether an evaluation was submitted), so the conditions
    themselves stay pure.
    """

    # A decisions.Decision or decisions.FollowUp (one floor up), told apart by evidence_kind.
    evidence: Any = None
    evidence_already_used: bool = False
    has_submitted_evaluation: bool = False
    reason: str = ""
    learning: str = ""
    # The mandate card the decision recorded (``decisions.mandate.MandateCard``), for
    # ``mandate`` and ``amend_mandate``: the frame and value direction come from it.
    mandate_card: Any = None


def transition_label(name: str) -> str:
    """The transition's name in the UI's words ("Approve testing"), from its declaration."""
    for declared in Innovation._meta.get_field("state").get_all_transitions(Innovation):
        if declared.name == name:
            return str(declared.custom["label"])
    return name


class Requirement:
    """A django-fsm condition that can also say, in words, why it is not met."""

    description: str = ""

    def reason(self, innovation: Innovation, context: TransitionContext) -> str | None:
        raise NotImplementedError

    def __call__(self, innovation: Innovation) -> bool:
        context = getattr(innovation, "_transition_context", None) or TransitionContext()
        return self.reason(innovation, context) is None

    def describe(self) -> str:
        return str(self.description)


class ApprovedDecision(Requirement):
    def __init__(
        self, kind: str, *, value_direction: bool = False, mandate_card: bool = False
    ) -> None:
        self.kind = kind
        self.value_direction = value_direction
        self.mandate_card = mandate_card

    @property
    def description(self) -> str:  # type: ignore[override]
        if self.value_direction:
            return str(
                _("needs an approved decision on “%(transition)s” with a value direction")
                % {"transition": transition_label(self.kind)}
            )
        if self.mandate_card:
            return str(
                _("needs an approved decision on “%(transition)s” with the mandate card it records")
                % {"transition": transition_label(self.kind)}
            )
        return str(
            _("needs an approved decision on “%(transition)s”")
            % {"transition": transition_label(self.kind)}
        )

    def reason(self, innovation: Innovation, context: TransitionContext) -> str | None:
        decision = context.evidence
        if getattr(decision, "evidence_kind", None) != EvidenceKind.DECISION:
            return self.description
        problem = _evidence_problem(innovation, decision, self.kind, context)
        if problem:
            return problem
        if decision.outcome not in APPROVED_OUTCOMES:
            return str(
                _("the decision was not approved (outcome: %(outcome)s); %(needs)s")
                % {"outcome": decision.get_outcome_display(), "needs": self.description}
            )
        if self.value_direction and not decision.value_direction.strip():
            return str(
                _("the mandate decision has no value direction; %(needs)s")
                % {"needs": self.description}
            )
        if self.mandate_card and context.mandate_card is None:
            return str(
                _("the decision recorded no mandate card; %(needs)s") % {"needs": self.description}
            )
        return None


class FollowUpTakenNote(Requirement):
    def __init__(self, kind: str) -> None:
        self.kind = kind

    @property
    def description(self) -> str:  # type: ignore[override]
        return str(
            _("needs a follow-up on “%(transition)s” whose status the committee has taken note of")
            % {"transition": transition_label(self.kind)}
        )

    def reason(self, innovation: Innovation, context: TransitionContext) -> str | None:
        follow_up = context.evidence
        if getattr(follow_up, "evidence_kind", None) != EvidenceKind.FOLLOW_UP:
            return self.description
        problem = _evidence_problem(innovation, follow_up, self.kind, context)
        if problem:
            return problem
        if not (follow_up.taken_note or "").strip():
            return str(
                _("the follow-up does not say what the committee took note of; %(needs)s")
                % {"needs": self.description}
            )
        return None


def _evidence_problem(
    innovation: Innovation, evidence: Any, kind: str, context: TransitionContext
) -> str | None:
    noun = EvidenceKind(evidence.evidence_kind).label
    if evidence.pk is None:
        return str(_("the %(noun)s has not been recorded") % {"noun": noun})
    if getattr(evidence, "annulled", False):
        return str(_("the %(noun)s was annulled by a correction") % {"noun": noun})
    if evidence.innovation_id != innovation.pk:
        return str(_("the %(noun)s concerns another innovation") % {"noun": noun})
    committee = evidence.meeting.committee
    if committee.organisation_id != innovation.organisation_id:
        return str(
            _("the %(noun)s was made by a committee of another organisation") % {"noun": noun}
        )
    if committee.pk != innovation.committee_id and not committee.is_council:
        return str(
            _(
                "the %(noun)s was made by %(committee)s, which is neither the responsible committee nor the council"
            )
            % {"noun": noun, "committee": committee.name}
        )
    if (evidence.transition or "") != kind:
        if not evidence.transition:
            return str(
                _("the %(noun)s decides on no transition, not on “%(transition)s”")
                % {"noun": noun, "transition": transition_label(kind)}
            )
        return str(
            _("the %(noun)s is on “%(actual)s”, not on “%(transition)s”")
            % {
                "noun": noun,
                "actual": transition_label(evidence.transition),
                "transition": transition_label(kind),
            }
        )
    if context.evidence_already_used:
        return str(_("the %(noun)s has already authorised a transition") % {"noun": noun})
    return None


class SubmittedEvaluation(Requirement):
    description = _("needs a submitted evaluation")

    def reason(self, innovation: Innovation, context: TransitionContext) -> str | None:
        return None if context.has_submitted_evaluation else str(self.description)


class StopReasonAndLearning(Requirement):
    description = _("needs the reason for stopping and what was learned")

    def reason(self, innovation: Innovation, context: TransitionContext) -> str | None:
        missing = []
        if not context.reason.strip():
            missing.append(str(_("the reason for stopping")))
        if not context.learning.strip():
            missing.append(str(_("what was learned")))
        if missing:
            return str(_("needs %(what)s") % {"what": str(_(" and ")).join(missing)})
        return None


def _state_paused_from(innovation: Innovation) -> str:
    return innovation._resume_to


class InnovationQuerySet(OrganisationScopedQuerySet):
    organisation_field = "organisation"


class Innovation(models.Model):
    # Set by decisions.services around a transition, for its conditions (never stored).
    _transition_context: TransitionContext | None

    title = models.CharField(_("title"), max_length=300)
    need = models.TextField(_("the need as raised"))
    value_direction = models.TextField(_("value direction"), blank=True)
    solution = models.TextField(_("solution"), blank=True)
    frame_budget = models.DecimalField(
        _("budget (DKK)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    frame_deadline = models.DateField(_("deadline"), null=True, blank=True)
    frame_scope = models.TextField(_("scope"), blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="innovations",
    )
    committee = models.ForeignKey(
        "organisations.Committee",
        verbose_name=_("responsible committee"),
        on_delete=models.PROTECT,
        related_name="innovations",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owning official"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_innovations",
    )
    collaborators = models.JSONField(_("collaborators"), default=list, blank=True)
    innovation_types = models.JSONField(_("innovation types"), default=list, blank=True)
    intended_values = models.JSONField(_("intended values"), default=list, blank=True)
    kle_code = models.CharField(_("KLE code"), max_length=20, blank=True)
    case_number = models.CharField(
        _("case number"),
        max_length=100,
        blank=True,
        default="",
        db_default="",  # rows written by SQL (the scale data's COPY) need not name it
        help_text=_("The case number (sagsnummer) in the case system, in its own format."),
    )
    raised_by = models.CharField(
        _("the need was raised by"),
        max_length=20,
        choices=RaisedBy.choices,
        blank=True,
        default="",
        db_default="",
    )
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("reused from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reuses",
    )
    shared = models.BooleanField(_("shared in the catalogue"), default=False)
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)
    contact_role = models.CharField(_("contact (role)"), max_length=200, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail (the organisation's)"),
        blank=True,
        help_text=_("A shared address of the unit or role, such as innovation@kk.dk."),
    )
    shared_summary = models.TextField(
        _("summary for the catalogue"),
        blank=True,
        help_text=_(
            "What the catalogue shows about the results and learning. Only what the "
            "organisation writes here is shared; the evaluation's own texts are not."
        ),
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The catalogue's Danish full-text index: kept by a database trigger
    # (migration 0005), from the title (weight A) and the need, value direction, solution
    # and shared summary (weight B).
    search_vector = SearchVectorField(null=True, editable=False)

    state = FSMField(
        _("phase"), max_length=20, choices=State.choices, default=State.NEED, protected=True
    )
    paused_from = models.CharField(
        _("paused from"), max_length=20, choices=State.choices, blank=True
    )
    state_entered_at = models.DateTimeField(_("phase entered at"), auto_now_add=True)
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    stop_learning = models.TextField(_("what was learned"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InnovationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        indexes = [
            models.Index(fields=["organisation", "state"]),
            models.Index(fields=["committee", "state"]),
            models.Index(fields=["shared", "state"]),
            # the default order of an organisation's list: its first page needs no sort
            models.Index(
                fields=["organisation", "-updated_at", "-id"], name="innovation_org_recent_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        # django-fsm's FSMModelMixin switches `protected` off on the field (shared by every
        # instance and thread) and does not restore it when the refresh fails. Forgetting the
        # state on this instance alone lets Django set it again, and protection never lapses.
        reload_state = fields is None or "state" in fields
        saved = self.__dict__.pop("state", None) if reload_state else None
        try:
            super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        except Exception:
            if reload_state and "state" not in self.__dict__ and saved is not None:
                self.__dict__["state"] = saved
            raise

    # --- The lifecycle (DESIGN.md's table) ------------------------------------------------

    @transition(
        field=state,
        source=State.NEED,
        target=State.EXPLORING,
        conditions=[ApprovedDecision("mandate", value_direction=True)],
        custom={"requires": EvidenceKind.DECISION, "label": _("Give a mandate")},
    )
    def mandate(self) -> None:
        self.value_direction = self._transition_context.evidence.value_direction
        self._take_frame_from(self._transition_context.mandate_card)

    @transition(
        field=state,
        source=[State.EXPLORING, State.TESTING, State.IMPLEMENTING, State.EVALUATING],
        target=None,  # the phase stays: a new version of the mandate card is in force
        conditions=[ApprovedDecision("amend_mandate", mandate_card=True)],
        custom={"requires": "decision", "label": _("Amend the mandate"), "target": "same"},
    )
    def amend_mandate(self) -> None:
        card = self._transition_context.mandate_card
        self.value_direction = card.value_direction
        self._take_frame_from(card)

    def _take_frame_from(self, card: Any) -> None:
        """The frame (budget, deadline, scope) is the one the card in force gives."""
        if card is not None:
            self.frame_budget = card.budget
            self.frame_deadline = card.deadline
            self.frame_scope = card.scope

    @transition(
        field=state,
        source=State.EXPLORING,
        target=State.TESTING,
        conditions=[ApprovedDecision("approve_test")],
        custom={"requires": EvidenceKind.DECISION, "label": _("Approve testing")},
    )
    def approve_test(self) -> None:
        pass

    @transition(
        field=state,
        source=State.TESTING,
        target=State.IMPLEMENTING,
        conditions=[ApprovedDecision("approve_implementation")],
        custom={"requires": EvidenceKind.DECISION, "label": _("Approve implementation")},
    )
    def approve_implementation(self) -> None:
        pass

    @transition(
        field=state,
        source=State.TESTING,
        target=State.EXPLORING,
        conditions=[ApprovedDecision("recycle")],
        custom={"requires": EvidenceKind.DECISION, "label": _("Back to exploration")},
    )
    def recycle(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IMPLEMENTING,
        target=State.EVALUATING,
        conditions=[FollowUpTakenNote("start_evaluation")],
        custom={"requires": EvidenceKind.FOLLOW_UP, "label": _("Start evaluation")},
    )
    def start_evaluation(self) -> None:
        pass

    @transition(
        field=state,
        source=State.EVALUATING,
        target=State.SPREADING,
        conditions=[ApprovedDecision("spread"), SubmittedEvaluation()],
        custom={"requires": EvidenceKind.DECISION, "label": _("Spread")},
    )
    def spread(self) -> None:
        pass

    @transition(
        field=state,
        source=State.EVALUATING,
        target=State.COMPLETED,
        conditions=[ApprovedDecision("complete"), SubmittedEvaluation()],
        custom={"requires": EvidenceKind.DECISION, "label": _("Complete")},
    )
    def complete(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SPREADING,
        target=State.COMPLETED,
        conditions=[FollowUpTakenNote("close")],
        custom={"requires": EvidenceKind.FOLLOW_UP, "label": _("Close")},
    )
    def close(self) -> None:
        pass

    @transition(
        field=state,
        source=ACTIVE_STATES,
        target=State.PAUSED,
        conditions=[ApprovedDecision("pause")],
        custom={"requires": EvidenceKind.DECISION, "label": _("Pause")},
    )
    def pause(self) -> None:
        self.paused_from = self.state

    @transition(
        field=state,
        source=State.PAUSED,
        target=GET_STATE(_state_paused_from, states=ACTIVE_STATES),
        conditions=[ApprovedDecision("resume")],
        custom={"requires": EvidenceKind.DECISION, "label": _("Resume"), "target": "paused_from"},
    )
    def resume(self) -> None:
        self._resume_to = self.paused_from
        self.paused_from = ""

    @transition(
        field=state,
        source=[*ACTIVE_STATES, State.PAUSED],
        target=State.STOPPED,
        conditions=[ApprovedDecision("stop"), StopReasonAndLearning()],
        custom={"requires": EvidenceKind.DECISION, "label": _("Stop")},
    )
    def stop(self) -> None:
        self.paused_from = ""  # stopped, no longer paused: nothing to resume to
        self.stop_reason = self._transition_context.reason.strip()
        self.stop_learning = self._transition_context.learning.strip()


class EvaluationMethod(models.TextChoices):
    NONE = "none", _("None")
    INTERNAL = "internal", _("Internal")
    EXTERNAL = "external", _("External")
    WITH_CITIZENS = "with_citizens", _("With citizens")


class Effect(models.TextChoices):
    IMPROVED = "improved", _("Improved")
    UNCHANGED = "unchanged", _("Unchanged")
    WORSE = "worse", _("Worse")
    UNKNOWN = "unknown", _("Unknown")


class EffectBasis(models.TextChoices):
    MEASURED = "measured", _("Measured")
    ASSESSED = "assessed", _("Assessed")


class SpreadingRecommendation(models.TextChoices):
    RECOMMENDED = "recommended", _("Recommended for spreading")
    WITH_ADAPTATIONS = "with_adaptations", _("Recommended with adaptations")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended for spreading")


class Evaluation(models.Model):
    """An evaluation held against what the mandate asked for.

    ``effects`` maps each intended value to ``{"effect": improved|unchanged|worse|unknown,
    "basis": measured|assessed, "text": ...}``.
    """

    innovation = models.ForeignKey(
        Innovation,
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    method = models.CharField(_("method"), max_length=20, choices=EvaluationMethod.choices)
    effects = models.JSONField(_("effects"), default=dict, blank=True)
    learning = models.TextField(_("what was learned"), blank=True)
    recommendation = models.TextField(_("recommendation on spreading"), blank=True)
    spreading = models.CharField(
        _("spreading recommended"),
        max_length=30,
        choices=SpreadingRecommendation.choices,
        blank=True,
    )
    # What the evaluation was held against: the mandate's value direction and the intended
    # values as they stood when it was submitted.
    value_direction = models.TextField(_("value direction evaluated against"), blank=True)
    intended_values = models.JSONField(_("intended values evaluated against"), default=list)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [models.Index(fields=["innovation", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.innovation} – {self.submitted_at:%d.%m.%Y}"


class DocumentKind(models.TextChoices):
    DOCUMENTATION = "documentation", _("Documentation")
    STATUS_REPORT = "status_report", _("Status report")
    OTHER = "other", _("Other")


def document_upload_to(document: Document, filename: str) -> str:
    # The stored name never carries the uploader's file name: it could hold personal data
    # and path tricks; the original name is kept in its own column for the download.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"documents/{document.innovation_id}/{uuid.uuid4().hex}.{extension}"


class Document(models.Model):
    """A file in the media storage, or a link to the case system, attached to an innovation."""

    innovation = models.ForeignKey(
        Innovation,
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.DOCUMENTATION
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, blank=True, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    link = models.URLField(_("link to the case system"), max_length=1000, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["innovation", "uploaded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(link="")) | (~Q(file="") & Q(link="")),
                name="document_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_link(self) -> bool:
        return bool(self.link)


class StatusAssessment(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class StatusReport(models.Model):
    """The administration's status report on an innovation, ready to put before the committee."""

    innovation = models.ForeignKey(
        Innovation,
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="status_reports",
    )
    assessment = models.CharField(_("assessment"), max_length=20, choices=StatusAssessment.choices)
    summary = models.TextField(_("status"))
    next_steps = models.TextField(_("next steps"), blank=True)
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="status_reports",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        indexes = [models.Index(fields=["innovation", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.innovation} – {self.submitted_at:%d.%m.%Y}"


class Reuse(models.Model):
    """One organisation's innovation taken up from another's shared one.

    ``named`` is the reusing organisation's consent to appear by name on the origin's
    catalogue entry; without it the entry only counts it.
    """

    origin = models.ForeignKey(
        Innovation,
        verbose_name=_("reused innovation"),
        on_delete=models.PROTECT,
        related_name="reuse_registrations",
    )
    innovation = models.OneToOneField(
        Innovation,
        verbose_name=_("the reusing innovation"),
        on_delete=models.PROTECT,
        related_name="reuse_registration",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("reusing organisation"),
        on_delete=models.PROTECT,
        related_name="reuses",
    )
    named = models.BooleanField(_("may be named in the catalogue"), default=False)
    # What the reusing organisation saw on the catalogue entry when it reused: its pages show
    # this, never the origin's live row, which may since have changed or left the catalogue.
    snapshot = models.JSONField(_("the catalogue entry as reused"), default=dict, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"))

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("reuse")
        verbose_name_plural = _("reuses")
        indexes = [models.Index(fields=["origin", "organisation"])]

    def __str__(self) -> str:
        # The title as reused, not the origin's live one (which may since be private).
        return f"{self.organisation} ← {self.snapshot.get('title') or self.origin_id}"


class SharingAction(models.TextChoices):
    SHARED = "shared", _("Shared in the catalogue")
    CHANGED = "changed", _("Shared entry changed")
    UNSHARED = "unshared", _("Removed from the catalogue")
    REUSED = "reused", _("Reused by another organisation")


class SharingEvent(models.Model):
    """Append-only: who shared, changed, unshared or reused an innovation, and when."""

    innovation = models.ForeignKey(
        Innovation,
        verbose_name=_("innovation"),
        on_delete=models.PROTECT,
        related_name="sharing_events",
    )
    action = models.CharField(_("action"), max_length=20, choices=SharingAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("sharing event")
        verbose_name_plural = _("sharing events")
        indexes = [models.Index(fields=["innovation", "at"])]

    def __str__(self) -> str:
        return f"{self.innovation} – {self.get_action_display()}"
