"""The pages. Each view reads through selectors and writes through exactly one service call."""

from __future__ import annotations

from collections.abc import Callable
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agenda import selectors as agenda_selectors
from core.enums import EvidenceKind
from core.errors import NotFound, PermissionDenied, SporError
from decisions import mandate_selectors, mandate_services
from decisions import selectors as decision_selectors
from decisions import services as decision_services
from innovations import permissions
from innovations import services as innovation_services
from innovations.catalogue import reuse_registration_of
from innovations.models import Innovation, State
from innovations.selectors import get_visible_innovation
from organisations import services as organisation_services
from organisations.models import Role
from privacy import selectors as privacy_selectors
from reminders import services as reminder_services
from reminders.models import CheckpointKind, Responsible
from reminders.services import create_checkpoint

from . import forms, mandate_forms, selectors
from .diagrams import lifecycle_svg
from .portfolio_selectors import Filters, overdue_checkpoints

PAGE_SIZE = 50
# A person's follow-ups and notifications: a page renders in milliseconds, even for a
# politician with hundreds open (national scale: see docs/benchmarks.md).
PERSONAL_PAGE_SIZE = 25


def _call(form, service: Callable[..., Any], **kwargs: Any) -> Any | None:
    """Call one service; on a domain error put it on the form and return None."""
    try:
        return service(**kwargs)
    except (PermissionDenied, NotFound):
        raise
    except SporError as error:
        forms.apply_errors(form, error)
        return None


def _innovation_or_404(user, pk: int) -> Innovation:
    innovation = get_visible_innovation(user, pk)
    if innovation is None:
        raise Http404(_("The innovation does not exist."))
    return innovation


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def unknown_csv_format() -> HttpResponse:
    """The answer to ``?format=`` naming neither CSV form."""
    return HttpResponse(
        _("Unknown format; use format=rfc4180 or leave it out."),
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def domain_errors(view):
    """Show the services' refusals as the pages people know: 403 and 404."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            raise DjangoPermissionDenied(error.message) from error
        except NotFound as error:
            raise Http404(error.message) from error

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- Home -------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {"role": user.role}
    if user.role in (Role.SECRETARY, Role.ADMINISTRATOR):
        context["overview"] = selectors.meeting_overview(user)
    if user.role == Role.OFFICIAL:
        context["innovations"] = list(selectors.my_innovations(user)[:10])
        context["due"] = selectors.checkpoints_for(user)[:10]
    if user.role == Role.POLITICIAN:
        context["follow_ups"] = selectors.follow_ups_due(user)[:10]
    if user.role == Role.ADMINISTRATOR:
        context["by_state"] = selectors.phase_counts(user)
        context["overdue_count"] = overdue_checkpoints(user, Filters())[0]
    context["notifications"] = selectors.notifications_of(user, unread_only=True)[:5]
    return render(request, "web/home.html", context)


# --- Innovations ------------------------------------------------------------------------------


def _paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


@login_required
def innovation_list(request: HttpRequest) -> HttpResponse:
    filters = forms.innovation_filters(
        request.GET, queryset=selectors.innovation_list(request.user), user=request.user
    )
    # Input that does not validate shows the form with its error and no rows, never all.
    innovations = filters.qs if filters.is_valid() else filters.queryset.none()
    page = _paginate(request, innovations)
    query = request.GET.copy()
    query.pop("page", None)
    form = filters.form
    return render(
        request,
        "web/innovation_list.html",
        {
            "form": form,
            "other_errors": [
                (form[name].label, errors)
                for name, errors in form.errors.items()
                if name not in forms.SHOWN_INNOVATION_FILTERS
            ],
            "page": page,
            "query": query.urlencode(),
            "can_create": permissions.can_create_innovation(
                request.user, request.user.organisation_id
            ),
        },
    )


@login_required
def my_innovations(request: HttpRequest) -> HttpResponse:
    page = _paginate(request, selectors.my_innovations(request.user))
    return render(
        request,
        "web/my_innovations.html",
        {
            "page": page,
            "due": selectors.checkpoints_for(request.user),
            "can_create": permissions.can_create_innovation(
                request.user, request.user.organisation_id
            ),
        },
    )


@login_required
@domain_errors
def innovation_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_innovation(request.user, request.user.organisation_id):
        raise DjangoPermissionDenied(_("You may not raise an innovation."))
    form = forms.InnovationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.service_data().items() if v not in (None, "", [])}
        innovation = _call(form, innovation_services.create_innovation, actor=request.user, **data)
        if innovation is not None:
            messages.success(request, _("The innovation was created."))
            return redirect("innovation_detail", pk=innovation.pk)
    return render(request, "web/innovation_form.html", {"form": form, "innovation": None})


@login_required
@domain_errors
def innovation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _innovation_or_404(request.user, pk)
    if not permissions.can_edit_innovation(request.user, innovation):
        raise DjangoPermissionDenied(_("You may not change this innovation."))
    form = forms.InnovationForm(
        request.POST or None,
        user=request.user,
        innovation=innovation,
        initial=forms.innovation_initial(innovation),
    )
    if request.method == "POST" and form.is_valid():
        updated = _call(
            form,
            innovation_services.update_innovation,
            actor=request.user,
            innovation=innovation,
            **form.service_data(),
        )
        if updated is not None:
            messages.success(request, _("The innovation was saved."))
            return redirect("innovation_detail", pk=innovation.pk)
    return render(request, "web/innovation_form.html", {"form": form, "innovation": innovation})


@login_required
@domain_errors
def innovation_committee(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator moves the innovation to another responsible committee, with a reason."""
    innovation = _innovation_or_404(request.user, pk)
    if not permissions.is_administrator_of(request.user, innovation.organisation_id):
        raise DjangoPermissionDenied(
            _("Only an administrator of the organisation changes the responsible committee.")
        )
    form = forms.ChangeCommitteeForm(request.POST or None, innovation=innovation)
    if request.method == "POST" and form.is_valid():
        moved = _call(
            form,
            innovation_services.change_committee,
            actor=request.user,
            innovation=innovation,
            **form.cleaned_data,
        )
        if moved is not None:
            messages.success(request, _("The responsible committee was changed."))
            return redirect("innovation_detail", pk=innovation.pk)
    return render(
        request, "web/innovation_committee_form.html", {"form": form, "innovation": innovation}
    )


@login_required
@require_POST
@domain_errors
def checkpoint_waive(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator waives a checkpoint, and says why."""
    checkpoint = selectors.visible_checkpoint(request.user, pk)
    if checkpoint is None:
        raise Http404(_("The checkpoint does not exist."))
    form = forms.WaiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the checkpoint is waived."))
        return redirect("innovation_detail", pk=checkpoint.innovation_id)
    try:
        reminder_services.waive_checkpoint(
            actor=request.user, checkpoint=checkpoint, reason=form.cleaned_data["reason"]
        )
    except (PermissionDenied, NotFound):
        raise
    except SporError as error:
        messages.error(request, error.message)
        return redirect("innovation_detail", pk=checkpoint.innovation_id)
    messages.success(request, _("The checkpoint was waived."))
    return redirect("innovation_detail", pk=checkpoint.innovation_id)


@login_required
def innovation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _innovation_or_404(request.user, pk)
    options = decision_services.available_transitions(innovation, request.user)
    is_administrator = permissions.is_administrator_of(request.user, innovation.organisation_id)
    evaluations = list(innovation.evaluations.select_related("submitted_by"))
    return render(
        request,
        "web/innovation_detail.html",
        {
            "innovation": innovation,
            "diagram": lifecycle_svg(innovation.state, paused_from=innovation.paused_from),
            "timeline": decision_selectors.timeline(innovation, viewer=request.user),
            "options": options,
            "can_edit": permissions.can_edit_innovation(request.user, innovation),
            "can_act": permissions.can_apply_transitions(request.user, innovation),
            "evaluations": evaluations,
            "papers": selectors.innovation_papers(innovation, evaluations=evaluations),
            "reused_from": reuse_registration_of(request.user, innovation),
            "open_checkpoints": selectors.checkpoints_of_innovation(innovation),
            "request_form": forms.DecisionRequestForm(),
            "is_administrator": is_administrator,
            "waive_form": forms.WaiveForm() if is_administrator else None,
            "corrected_moves": decision_services.moves_on_corrected_evidence(
                innovation, viewer=request.user
            ),
            **mandate_selectors.mandate_overview(innovation),
        },
    )


@login_required
@domain_errors
def innovation_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = _innovation_or_404(request.user, pk)
    if not permissions.can_edit_innovation(request.user, innovation):
        raise DjangoPermissionDenied(_("You may not submit an evaluation of this innovation."))
    card = mandate_services.current_card(innovation)
    form = mandate_forms.EvaluationAgainstCardForm(
        request.POST or None, innovation=innovation, card=card
    )
    if request.method == "POST" and form.is_valid():
        evaluation = _call(
            form,
            mandate_services.submit_evaluation,
            actor=request.user,
            innovation=innovation,
            **form.service_data(),
        )
        if evaluation is not None:
            messages.success(request, _("The evaluation was submitted."))
            return redirect("innovation_detail", pk=innovation.pk)
    return render(
        request,
        "web/evaluation_form.html",
        {"form": form, "innovation": innovation, "card": card},
    )


@login_required
@domain_errors
def innovation_ask_for_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The owning official asks for a decision: a decision checkpoint at the committee."""
    innovation = _innovation_or_404(request.user, pk)
    if not permissions.can_edit_innovation(request.user, innovation):
        raise DjangoPermissionDenied(_("You may not ask for a decision on this innovation."))
    form = forms.DecisionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checkpoint = _call(
            form,
            create_checkpoint,
            actor=request.user,
            innovation=innovation,
            kind=CheckpointKind.DECISION,
            responsible=Responsible.COMMITTEE,
            **form.cleaned_data,
        )
        if checkpoint is not None:
            messages.success(
                request, _("The committee's secretary will see the request on the agenda list.")
            )
            return redirect("innovation_detail", pk=innovation.pk)
    return render(
        request, "web/decision_request_form.html", {"form": form, "innovation": innovation}
    )


@login_required
@domain_errors
def innovation_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Apply a transition on the evidence already recorded for it.

    GET asks for confirmation, naming the decision or follow-up the move rests on; POST
    applies it and says what moved from where to where on which evidence.
    """
    innovation = _innovation_or_404(request.user, pk)
    option = next(
        (
            o
            for o in decision_services.available_transitions(innovation, request.user)
            if o.name == name
        ),
        None,
    )
    if request.method == "GET":
        if option is None or option.evidence is None or not option.available:
            messages.error(request, _("The transition is not possible now."))
            return redirect("innovation_detail", pk=pk)
        return render(
            request,
            "web/transition_confirm.html",
            {
                "innovation": innovation,
                "option": option,
                "evidence": option.evidence,
                "form": forms.TransitionForm(),
                "can_act": permissions.can_apply_transitions(request.user, innovation),
            },
        )
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    form = forms.TransitionForm(request.POST)
    if option is None or option.evidence is None or not form.is_valid():
        messages.error(request, _("The transition is not possible now."))
        return redirect("innovation_detail", pk=pk)
    evidence = option.evidence
    kwargs: dict[str, Any] = {
        "actor": request.user,
        "innovation": innovation,
        "transition": name,
        "reason": form.cleaned_data["reason"],
        "learning": form.cleaned_data["learning"],
        "expected_state": request.POST.get("expected_state") or innovation.state,
    }
    if option.requires == EvidenceKind.DECISION:
        kwargs["decision"] = evidence
    else:
        kwargs["follow_up"] = evidence
    try:
        result = decision_services.apply_transition(**kwargs)
    except (PermissionDenied, NotFound):
        raise
    except SporError as error:
        messages.error(request, " ".join([error.message, *map(str, error.reasons)]))
        return redirect("innovation_detail", pk=pk)
    entry = result.log_entry
    messages.success(
        request,
        _("“%(title)s” moved from %(source)s to %(target)s (%(transition)s) on %(evidence)s.")
        % {
            "title": result.innovation.title,
            "source": State(entry.source).label,
            "target": State(entry.target).label,
            "transition": option.label,
            "evidence": evidence_description(evidence),
        },
    )
    return redirect("innovation_detail", pk=pk)


def evidence_description(record) -> str:
    """ "the decision of Sundhedsudvalget 12.11.2026, Punkt 4 (Approved)", in the UI's words."""
    values = {
        "committee": record.meeting.committee.name,
        "date": formats.date_format(record.meeting.date, "SHORT_DATE_FORMAT"),
        "item": record.agenda_item,
    }
    if hasattr(record, "outcome"):
        return str(
            _("the decision of %(committee)s %(date)s, %(item)s (%(outcome)s)")
            % {**values, "outcome": record.get_outcome_display()}
        )
    return str(
        _("the follow-up at %(committee)s %(date)s, %(item)s (%(assessment)s)")
        % {**values, "assessment": record.get_assessment_display()}
    )


# --- Meetings ---------------------------------------------------------------------------------


@login_required
@domain_errors
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    committee_ids = selectors.my_committee_ids(user)
    form = None
    if committee_ids:
        form = forms.MeetingForm(
            request.POST or None,
            committees=selectors.committees_of(user).filter(pk__in=committee_ids),
        )
        if request.method == "POST" and form.is_valid():
            try:
                meeting = _call(
                    form, organisation_services.create_meeting, actor=user, **form.cleaned_data
                )
            except PermissionDenied as error:  # a meeting further back than a secretary may go
                form.add_error("date", error.message)
                meeting = None
            if meeting is not None:
                messages.success(request, _("The meeting was added."))
                return redirect("meeting_detail", pk=meeting.pk)
    page = _paginate(request, selectors.meetings_of_my_committees(user))
    return render(
        request,
        "web/meeting_list.html",
        {
            "page": page,
            "form": form,
            "agenda": selectors.agenda_to_prepare(user),
            "today": timezone.localdate(),
        },
    )


@login_required
@domain_errors
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = selectors.visible_meeting(user, pk)
    if meeting is None:
        raise Http404(_("The meeting does not exist."))
    can_record = meeting.committee_id in selectors.my_committee_ids(user)
    innovations = selectors.innovations_for_meeting(meeting)
    kind = request.POST.get("kind") if request.method == "POST" else ""
    agenda_items = agenda_selectors.items_of(meeting)
    # Choosing an imported agenda item pre-fills the forms: innovation, item, case number;
    # "record it" on the due list pre-fills the innovation and the transition.
    initial = agenda_selectors.record_initial(meeting, request.GET.get("item")) or {
        "innovation": request.GET.get("innovation"),
        "transition": request.GET.get("transition", ""),
    }
    decision_form = forms.DecisionForm(
        request.POST if kind == "decision" else None,
        innovations=innovations,
        agenda_items=agenda_items,
        prefix="decision",
        initial=initial,
    )
    follow_up_form = forms.FollowUpForm(
        request.POST if kind == "follow_up" else None,
        innovations=innovations,
        agenda_items=agenda_items,
        prefix="follow_up",
        initial=initial,
    )
    if request.method == "POST":
        if not can_record:
            raise DjangoPermissionDenied(_("Only the committee's secretary records its items."))
        form, service = (
            (decision_form, decision_services.record_decision)
            if kind == "decision"
            else (follow_up_form, decision_services.record_follow_up)
        )
        if kind in ("decision", "follow_up") and form.is_valid():
            result = _call(form, service, actor=user, meeting=meeting, **form.service_data())
            if result is not None:
                if result.applied:
                    messages.success(
                        request,
                        _("Recorded. %(title)s moved to %(phase)s.")
                        % {
                            "title": result.innovation.title,
                            "phase": result.innovation.get_state_display(),
                        },
                    )
                else:
                    messages.success(request, _("Recorded."))
                return redirect(reverse("meeting_detail", args=[meeting.pk]) + "#items")
    return render(
        request,
        "web/meeting_detail.html",
        {
            "meeting": meeting,
            "items": selectors.meeting_items(meeting, user),
            "decision_form": decision_form,
            "follow_up_form": follow_up_form,
            "open_form": kind or request.GET.get("kind", ""),
            "agenda": agenda_selectors.agenda_for(meeting, user),
            "chosen_item": initial.get("agenda_entry"),
            "can_record": can_record,
            "has_taken_place": meeting.date <= timezone.localdate(),
            "due": selectors.due_by_meeting(meeting),
            "has_innovations": innovations.exists(),
        },
    )


@login_required
@domain_errors
def correction(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in ("decision", "follow_up"):
        raise Http404
    record = selectors.record_of(request.user, kind, pk)
    if record is None:
        raise Http404(_("The record does not exist."))
    fields = (
        forms.CorrectionForm.DECISION_FIELDS
        if kind == "decision"
        else forms.CorrectionForm.FOLLOW_UP_FIELDS
    )
    current = selectors.corrected_view(record, [*fields, "annulled"])
    form = forms.CorrectionForm(
        request.POST or None,
        kind=kind,
        current=current,
        meetings=selectors.meetings_for_correction(record),
    )
    if request.method == "POST" and form.is_valid():
        changed = form.corrected_values()
        if not changed:
            form.add_error(None, _("Change at least one value."))
        else:
            target = {"decision": record} if kind == "decision" else {"follow_up": record}
            created = _call(
                form,
                decision_services.record_correction,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                corrected_values=changed,
                **target,
            )
            if created is not None:
                messages.success(request, _("The correction was recorded."))
                return redirect("meeting_detail", pk=record.meeting_id)
    return render(
        request,
        "web/correction_form.html",
        {"form": form, "record": record, "kind": kind},
    )


# --- The person's own pages -------------------------------------------------------------------


@login_required
def my_follow_ups(request: HttpRequest) -> HttpResponse:
    page = _paginate(request, selectors.follow_ups_due(request.user), PERSONAL_PAGE_SIZE)
    return render(request, "web/my_follow_ups.html", {"page": page, "follow_ups": page.object_list})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = _paginate(request, selectors.notifications_of(request.user), PERSONAL_PAGE_SIZE)
    return render(
        request, "web/notifications.html", {"page": page, "notifications": page.object_list}
    )


@login_required
@require_POST
@domain_errors
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_of(request.user, pk)
    if notification is None:
        raise Http404
    reminder_services.mark_notification_read(actor=request.user, notification_id=notification.pk)
    return redirect(selectors.notification_url(notification) or reverse("notifications"))


@login_required
@require_POST
@domain_errors
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    reminder_services.mark_notifications_read(actor=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications")


@login_required
@domain_errors
def calendar(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        reminder_services.renew_calendar_token(actor=request.user)
        messages.success(request, _("Your calendar link was renewed; the old one stops working."))
        return redirect("calendar")
    return render(
        request,
        "web/calendar.html",
        {
            "feed_url": selectors.calendar_feed_url(request.user),
            "meetings": selectors.meetings_ahead(request.user),
        },
    )


@login_required
@domain_errors
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = forms.PreferencesForm(
        request.POST or None,
        initial={"reminder_delivery": user.reminder_delivery, "language": user.language},
    )
    if request.method == "POST" and form.is_valid():
        updated = _call(
            form,
            organisation_services.update_preferences,
            actor=user,
            person=user,
            **form.cleaned_data,
        )
        if updated is not None:
            response = redirect("preferences")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, updated.language)
            messages.success(request, _("Your preferences were saved."))
            return response
    return render(request, "web/preferences.html", {"form": form})


def _person_data_response(actor, person) -> HttpResponse:
    data = privacy_selectors.person_data(actor, person)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="spor-persondata-{person.pk}-{stamp}.json"'
    )
    return response


@login_required
@domain_errors
def my_data(request: HttpRequest) -> HttpResponse:
    """The person's own data as JSON (right of access and portability)."""
    return _person_data_response(request.user, request.user)


@login_required
@domain_errors
def person_data(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's data as JSON, for the person and their organisation's administrators."""
    return _person_data_response(request.user, privacy_selectors.person_for(request.user, pk))


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The tilgængelighedserklæring, for everyone, signed in or not."""
    return render(
        request,
        "web/accessibility_statement.html",
        {
            "statement": selectors.accessibility_statement(request.user),
            "fallback_email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        },
    )


@require_POST
@domain_errors
def switch_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated:
        organisation_services.update_preferences(
            actor=request.user, person=request.user, language=language
        )
    response = redirect(_safe_next(request, reverse("home")))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response
