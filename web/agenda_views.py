"""The secretary's pages for agendas: importing a published agenda (with a preview), the
draft agenda item (HTML and Word), and a meeting's attendance."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda import importers
from agenda import selectors as agenda_selectors
from agenda import services as agenda_services
from agenda.models import AttendanceStatus
from core.errors import SporError, ValidationFailed
from decisions import drafts
from innovations.selectors import get_visible_innovation
from organisations.models import Membership, MembershipRole, Role, User

from . import selectors
from .views import domain_errors

SESSION_KEY = "spor_agenda_import"


class AgendaImportForm(django_forms.Form):
    file = django_forms.FileField(
        label=gettext_lazy("Agenda file"),
        help_text=gettext_lazy(
            "Open Civic Data / Popolo JSON (events with agenda items) or CSV, at most 2 MB."
        ),
    )
    format = django_forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("", gettext_lazy("From the file name")),
            (importers.OCD, "Open Civic Data / Popolo JSON"),
            (importers.CSV, "CSV"),
        ],
        required=False,
    )


def _parse(user, text: str, fmt: str):
    meetings = importers.parse(text, fmt, importers.committee_lookup(user.organisation_id))
    return meetings


def _error_lines(error: SporError) -> list[str]:
    if isinstance(error, ValidationFailed):
        return [
            f"{key}: {' '.join(map(str, messages))}"
            if key not in ("non_field_errors", "file")
            else " ".join(map(str, messages))
            for key, messages in error.errors.items()
        ]
    return [error.message]


@login_required
@domain_errors
def agenda_import(request: HttpRequest) -> HttpResponse:
    """Upload a published agenda, see what it creates and changes, then confirm."""
    user = request.user
    if not selectors.my_committee_ids(user):
        raise DjangoPermissionDenied(_("Only a committee's secretary imports its agendas."))
    form = AgendaImportForm()
    plans = None
    problems: list[str] = []
    action = request.POST.get("action") if request.method == "POST" else ""
    if action == "preview":
        form = AgendaImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = importers.decode(upload.read(importers.MAX_BYTES + 1))
                fmt = form.cleaned_data["format"] or importers.guess_format(upload.name, text)
                plans = agenda_services.preview_meetings(
                    actor=user, meetings=_parse(user, text, fmt)
                )
                request.session[SESSION_KEY] = {"text": text, "format": fmt}
            except SporError as error:
                problems = _error_lines(error)
    elif action == "confirm":
        pending = request.session.get(SESSION_KEY)
        if not pending:
            messages.error(request, _("Upload the agenda again: the preview has expired."))
            return redirect("agenda_import")
        try:
            results = agenda_services.push_meetings(
                actor=user, meetings=_parse(user, pending["text"], pending["format"])
            )
        except SporError as error:
            problems = _error_lines(error)
        else:
            del request.session[SESSION_KEY]
            changed = sum(1 for result in results if result.changed)
            messages.success(
                request,
                _("The agenda was imported: %(changed)s of %(total)s meetings created or changed.")
                % {"changed": changed, "total": len(results)},
            )
            if len(results) == 1:
                return redirect("meeting_detail", pk=results[0].meeting.pk)
            return redirect("meeting_list")
    return render(
        request,
        "web/agenda_import.html",
        {"form": form, "plans": plans, "problems": problems},
    )


def _recording_meeting(request: HttpRequest, pk: int):
    meeting = selectors.visible_meeting(request.user, pk)
    if meeting is None:
        raise Http404(_("The meeting does not exist."))
    if meeting.committee_id not in selectors.my_committee_ids(request.user):
        raise DjangoPermissionDenied(_("Only the committee's secretary prepares its agenda."))
    return meeting


@login_required
def meeting_draft(request: HttpRequest, pk: int, innovation_pk: int, kind: str) -> HttpResponse:
    """The draft case presentation and recommendation for one innovation at a meeting."""
    if kind not in ("decision", "follow_up"):
        raise Http404
    meeting = _recording_meeting(request, pk)
    innovation = get_visible_innovation(request.user, innovation_pk)
    if innovation is None or innovation.organisation_id != meeting.committee.organisation_id:
        raise Http404(_("The innovation does not exist."))
    draft = drafts.build_draft(innovation=innovation, meeting=meeting, kind=kind)
    if request.GET.get("format") == "docx":
        response = HttpResponse(
            drafts.to_docx(draft),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="{draft.filename}"'
        return response
    return render(request, "web/agenda_draft.html", {"draft": draft, "meeting": meeting})


@login_required
@domain_errors
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Who was present and absent, and who sat in as a substitute."""
    meeting = _recording_meeting(request, pk)
    members = list(
        User.objects.filter(
            pk__in=Membership.objects.valid_on(meeting.date)
            .filter(committee_id=meeting.committee_id)
            .exclude(role=MembershipRole.SECRETARY)
            .values("person_id")
        ).order_by("first_name", "last_name", "username")
    )
    politicians = list(
        User.objects.filter(
            organisation_id=meeting.committee.organisation_id, role=Role.POLITICIAN, is_active=True
        ).order_by("first_name", "last_name", "username")
    )
    current = {a.person_id: a for a in agenda_selectors.attendance_of(meeting)}
    member_ids = {m.pk for m in members}
    substitutes = [a for a in current.values() if a.person_id not in member_ids]
    problems: list[str] = []
    items = list(agenda_selectors.items_of(meeting).prefetch_related("disqualifications"))
    if request.method == "POST" and request.POST.get("action") == "disqualify":
        item_id = request.POST.get("item", "")
        item = next((i for i in items if str(i.pk) == item_id), None)
        if item is None:
            raise Http404(_("The agenda item does not exist."))
        people = {
            int(pk): request.POST.get(f"reason-{pk}", "")
            for pk in request.POST.getlist("person")
            if pk.isdigit()
        }
        try:
            agenda_services.record_disqualifications(
                actor=request.user, agenda_item=item, people=people
            )
        except ValidationFailed as error:
            problems = _error_lines(error)
        else:
            messages.success(request, _("The disqualifications were recorded."))
            return redirect("meeting_attendance", pk=meeting.pk)
    elif request.method == "POST":
        rows = []
        for member in members:
            status = request.POST.get(f"status-{member.pk}", "")
            if status in AttendanceStatus.values:
                rows.append(
                    agenda_services.AttendanceIn(
                        person=member.pk,
                        status=status,
                        party_group=request.POST.get(f"party-{member.pk}", ""),
                    )
                )
        for index in range(3):
            person = request.POST.get(f"sub-person-{index}", "")
            if person.isdigit():
                instead = request.POST.get(f"sub-for-{index}", "")
                rows.append(
                    agenda_services.AttendanceIn(
                        person=int(person),
                        status=AttendanceStatus.PRESENT,
                        substitute_for=int(instead) if instead.isdigit() else None,
                        party_group=request.POST.get(f"sub-party-{index}", ""),
                    )
                )
        try:
            agenda_services.record_attendance(actor=request.user, meeting=meeting, rows=rows)
        except ValidationFailed as error:
            problems = _error_lines(error)
        else:
            messages.success(request, _("The attendance was recorded."))
            return redirect("meeting_detail", pk=meeting.pk)
    return render(
        request,
        "web/meeting_attendance.html",
        {
            "meeting": meeting,
            "members": [(m, current.get(m.pk)) for m in members],
            "politicians": politicians,
            "substitutes": [*substitutes, *[None] * (3 - len(substitutes))][:3],
            "statuses": AttendanceStatus.choices,
            "problems": problems,
            "present": [a.person for a in current.values() if a.status == AttendanceStatus.PRESENT],
            "items": [
                (item, {d.person_id for d in item.disqualifications.all()}) for item in items
            ],
        },
    )
