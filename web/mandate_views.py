"""The pages of the mandate card: give or amend it (with a preview as the minutes will read
it), its versions side by side, the involvement log, follow-ups that read the indicators.

Each view reads through selectors and writes through exactly one service call.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound, PermissionDenied, SporError, ValidationFailed
from decisions import closed, mandate_selectors, mandate_services
from decisions import services as decision_services
from decisions.mandate import MandateCard, MandateIndicator
from decisions.models import Decision, FollowUp
from innovations import permissions
from innovations.models import Innovation, State
from innovations.workflow import spec_for
from organisations.models import Meeting
from organisations.permissions import council_id

from . import forms, mandate_forms, selectors
from .views import _innovation_or_404, domain_errors


def _meetings_to_record_at(user, innovation: Innovation):
    """The meetings (held) of the responsible committee or the council the person logs."""
    council = council_id(innovation)
    committees = {innovation.committee_id, *([council] if council else [])}
    mine = selectors.my_committee_ids(user) & committees
    return (
        Meeting.objects.filter(committee_id__in=mine, date__lte=timezone.localdate())
        .select_related("committee")
        .order_by("-date", "committee__name")
    )


def _put_errors(error: SporError, *, decision_form, card_form, formset) -> None:
    """A service's errors on the field they name: the decision's, the card's, an indicator's."""
    if not isinstance(error, ValidationFailed):
        forms.apply_errors(decision_form, error)
        return
    rows = [f for f in formset.forms if getattr(f, "cleaned_data", None)]
    rows = [f for f in rows if not f.cleaned_data.get("DELETE")]
    for key, messages_ in error.errors.items():
        parts = key.split(".")
        for message in messages_:
            if parts[0] == "mandate_card" and len(parts) == 4 and parts[1] == "indicators":
                index = int(parts[2]) - 1
                target = rows[index] if 0 <= index < len(rows) else None
                if target is not None and parts[3] in target.fields:
                    target.add_error(parts[3], message)
                else:
                    card_form.add_error(None, message)
            elif parts[0] == "mandate_card":
                field = parts[1] if len(parts) > 1 and parts[1] in card_form.fields else None
                card_form.add_error(field, message)
            elif key == "value_direction":
                card_form.add_error("value_direction", message)
            else:
                decision_form.add_error(key if key in decision_form.fields else None, message)


@login_required
@domain_errors
def innovation_mandate_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary records the decision that gives (or amends) the mandate, with its card.

    "Preview" shows the card as it will read in the minutes; "Record" records it.
    """
    innovation = _innovation_or_404(request.user, pk)
    transition = "mandate" if innovation.state == State.NEED else "amend_mandate"
    spec = spec_for(transition)
    if spec is None or innovation.state not in spec.sources:
        raise NotFound(_("The mandate can be given or amended only in an active phase."))
    meetings = _meetings_to_record_at(request.user, innovation)
    if not meetings.exists():
        raise PermissionDenied(
            _("Only the secretary of the responsible committee or the council records its items.")
        )
    current = mandate_services.current_card(innovation)
    data = request.POST if request.method == "POST" else None
    decision_form = mandate_forms.MandateDecisionForm(data, meetings=meetings, prefix="decision")
    card_form = mandate_forms.MandateCardForm(
        data, initial=mandate_forms.card_initial(current, innovation), prefix="card"
    )
    formset = mandate_forms.IndicatorFormSet(
        data, initial=mandate_forms.indicator_initial(current), prefix="indicators"
    )
    preview = None
    if data is not None:
        valid = all([decision_form.is_valid(), card_form.is_valid(), formset.is_valid()])
        if valid:
            card_data = {
                **card_form.card_data(),
                "indicators": mandate_forms.indicator_data(formset),
            }
            try:
                if "record" in request.POST:
                    decision_data = decision_form.decision_data()
                    result = decision_services.record_decision(
                        actor=request.user,
                        innovation=innovation,
                        transition=transition,
                        mandate_card=card_data,
                        apply_transition=True,
                        expected_state=request.POST.get("expected_state") or innovation.state,
                        **decision_data,
                    )
                    messages.success(
                        request,
                        _("The mandate was recorded: version %(n)s of the card is in force.")
                        % {"n": result.record.mandate_card.version},
                    )
                    return redirect("innovation_mandate", pk=innovation.pk)
                clean = mandate_services.clean_card(
                    innovation=innovation, transition=transition, data=card_data, value_direction=""
                )
                card = MandateCard(version=(current.version + 1) if current else 1, **clean.fields)
                indicators = [
                    MandateIndicator(position=n, **{k: getattr(i, k) for k in _INDICATOR_FIELDS})
                    for n, i in enumerate(clean.indicators, start=1)
                ]
                preview = {
                    "card": card,
                    "parts": mandate_selectors.card_parts(card, indicators, clean.changed),
                    "decision": decision_form.cleaned_data,
                }
            except (PermissionDenied, NotFound):
                raise
            except SporError as error:
                _put_errors(
                    error, decision_form=decision_form, card_form=card_form, formset=formset
                )
    return render(
        request,
        "web/mandate_form.html",
        {
            "innovation": innovation,
            "transition": transition,
            "current": current,
            "decision_form": decision_form,
            "card_form": card_form,
            "formset": formset,
            "questions": mandate_forms.QUESTIONS,
            "preview": preview,
        },
    )


_INDICATOR_FIELDS = ("name", "unit", "baseline", "baseline_date", "target", "measurement")


@login_required
def innovation_mandate(request: HttpRequest, pk: int) -> HttpResponse:
    """The mandate card: every version side by side, what the follow-ups read against it, and
    the result of the evaluation against it."""
    innovation = _innovation_or_404(request.user, pk)
    versions = mandate_selectors.card_versions(innovation)
    against = mandate_selectors.latest_mandate_evaluation(innovation)
    current = versions[-1] if versions else None
    # the decision's item is named only to those who may see a record on a closed item
    decision_shown = (
        current is not None
        and (
            closed.visible_records(Decision.objects.filter(pk=current.decision_id), request.user)
        ).exists()
    )
    return render(
        request,
        "web/mandate_card.html",
        {
            "innovation": innovation,
            "decision_shown": decision_shown,
            "versions": versions,
            "current": versions[-1] if versions else None,
            "parts": mandate_selectors.card_parts(versions[-1], changed=[]) if versions else [],
            "table": mandate_selectors.version_table(versions) if len(versions) > 1 else [],
            "follow_ups": mandate_selectors.follow_ups_against_card(innovation),
            "result": mandate_selectors.result_of(against) if against else None,
            "against": against,
            "can_record": _meetings_to_record_at(request.user, innovation).exists()
            and innovation.state
            in (State.NEED, State.EXPLORING, State.TESTING, State.IMPLEMENTING, State.EVALUATING),
        },
    )


@login_required
@domain_errors
def innovation_involvement(request: HttpRequest, pk: int) -> HttpResponse:
    """The involvement log: read by everyone of the organisation, kept by the owner, a
    secretary or an administrator while exploring and testing."""
    innovation = _innovation_or_404(request.user, pk)
    may_log = permissions.can_edit_innovation(request.user, innovation) and innovation.state in (
        mandate_services.INVOLVEMENT_PHASES
    )
    form = None
    if may_log:
        form = mandate_forms.InvolvementActivityForm(
            request.POST or None, initial={"date": timezone.localdate()}
        )
        if request.method == "POST" and form.is_valid():
            try:
                mandate_services.record_involvement(
                    actor=request.user, innovation=innovation, **form.service_data()
                )
            except (PermissionDenied, NotFound):
                raise
            except SporError as error:
                forms.apply_errors(form, error)
            else:
                messages.success(request, _("The activity was added to the involvement log."))
                return redirect("innovation_involvement", pk=innovation.pk)
    elif request.method == "POST":
        raise DjangoPermissionDenied(_("You may not keep this innovation's involvement log."))
    card = mandate_services.current_card(innovation)
    return render(
        request,
        "web/involvement.html",
        {
            "innovation": innovation,
            "activities": mandate_selectors.involvement_log(innovation),
            "form": form,
            "involve": card.involve_labels() if card else [],
        },
    )


@login_required
@domain_errors
def innovation_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary records a follow-up against the mandate card: the indicators' readings,
    whether the work still serves the value direction, and the involvement log summarised."""
    innovation = _innovation_or_404(request.user, pk)
    card = mandate_services.current_card(innovation)
    if card is None:
        raise NotFound(_("The innovation has no mandate card to follow up against."))
    meetings = _meetings_to_record_at(request.user, innovation)
    if not meetings.exists():
        raise PermissionDenied(
            _("Only the secretary of the responsible committee or the council records its items.")
        )
    form = mandate_forms.FollowUpAgainstCardForm(request.POST or None, meetings=meetings, card=card)
    if request.method == "POST" and form.is_valid():
        try:
            decision_services.record_follow_up(
                actor=request.user,
                innovation=innovation,
                expected_state=innovation.state,
                **form.service_data(),
            )
        except (PermissionDenied, NotFound):
            raise
        except SporError as error:
            forms.apply_errors(form, error)
        else:
            messages.success(request, _("The follow-up was recorded against the mandate card."))
            return redirect("innovation_mandate", pk=innovation.pk)
    last = (
        FollowUp.objects.filter(innovation=innovation)
        .order_by("-meeting__date")
        .values_list("meeting__date", flat=True)
        .first()
    )
    summary = mandate_services.involvement_summary(
        innovation, since=last, until=timezone.localdate()
    )
    return render(
        request,
        "web/mandate_follow_up.html",
        {
            "innovation": innovation,
            "card": card,
            "form": form,
            "involvement": mandate_selectors.summary_lines(summary),
            "value_direction": card.value_direction,
        },
    )
