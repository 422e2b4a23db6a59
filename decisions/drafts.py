"""The draft agenda item for a decision or follow-up due at a meeting: the case presentation
(sagsfremstilling) and the recommendation (indstilling), for the secretary to paste into the
meeting system (HTML) or hand on as a Word document (.docx).

Built from the record only: the need, the mandate with its value direction and frame, the
history of decisions and follow-ups, the latest status report and evaluation. A record taken
on a closed item appears only as "a closed item": the draft goes onto a public agenda.
"""

from __future__ import annotations

import dataclasses
import datetime
import io

from django.utils import formats
from django.utils.translation import gettext as _

from innovations.models import Innovation
from innovations.workflow import specs_from
from organisations.models import Meeting

from .models import Decision, FollowUp, Outcome


@dataclasses.dataclass
class Section:
    heading: str
    paragraphs: list[str] = dataclasses.field(default_factory=list)
    bullets: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Draft:
    title: str
    kind: str  # "decision" or "follow_up"
    meeting: Meeting
    innovation: Innovation
    case_number: str
    kle_code: str
    presentation: list[Section]
    recommendation: list[str]

    @property
    def filename(self) -> str:
        day = self.meeting.date.isoformat()
        return f"spor-dagsordenspunkt-{self.innovation.pk}-{day}.docx"


def _day(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _history_line(record: Decision | FollowUp) -> str:
    meeting = record.meeting
    where = f"{meeting.committee.name}, {_day(meeting.date)}"
    if record.agenda_entry_id and record.agenda_entry.closed:
        return _("%(where)s: treated on a closed item.") % {"where": where}
    if isinstance(record, Decision):
        what = record.get_outcome_display()
        if record.transition:
            what = f"{record.get_transition_display()}: {what}"
        text = f"{where}: {what}. {record.resolution}"
    else:
        text = f"{where}: {_('Follow-up')} ({record.get_assessment_display()}). {record.summary}"
    return " ".join(text.split())


def build_draft(*, innovation: Innovation, meeting: Meeting, kind: str) -> Draft:
    """The draft for ``innovation`` at ``meeting``: ``kind`` is what is due there."""
    decisions = list(
        Decision.objects.filter(innovation=innovation)
        .select_related("meeting__committee", "agenda_entry")
        .order_by("meeting__date", "recorded_at", "id")
    )
    follow_ups = list(
        FollowUp.objects.filter(innovation=innovation)
        .select_related("meeting__committee", "agenda_entry")
        .order_by("meeting__date", "recorded_at", "id")
    )
    sections = [Section(_("Background: the need"), paragraphs=[innovation.need])]

    mandate = next(
        (
            d
            for d in reversed(decisions)
            if d.transition == "mandate"
            and d.outcome in (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES)
        ),
        None,
    )
    mandate_section = Section(_("Mandate and value direction"))
    if mandate is not None and not (mandate.agenda_entry_id and mandate.agenda_entry.closed):
        mandate_section.paragraphs.append(
            _("%(committee)s gave the mandate on %(date)s: %(resolution)s")
            % {
                "committee": mandate.meeting.committee.name,
                "date": _day(mandate.meeting.date),
                "resolution": mandate.resolution,
            }
        )
    elif mandate is None:
        mandate_section.paragraphs.append(_("No mandate has been given yet."))
    if innovation.value_direction:
        mandate_section.paragraphs.append(
            _("Value direction: %(text)s") % {"text": innovation.value_direction}
        )
    frame = []
    if innovation.frame_budget is not None:
        frame.append(
            _("budget %(amount)s kr.")
            % {"amount": formats.number_format(innovation.frame_budget, 0, force_grouping=True)}
        )
    if innovation.frame_deadline:
        frame.append(_("deadline %(date)s") % {"date": _day(innovation.frame_deadline)})
    if innovation.frame_scope:
        frame.append(innovation.frame_scope)
    if frame:
        mandate_section.paragraphs.append(_("Frame: %(frame)s") % {"frame": "; ".join(frame)})
    sections.append(mandate_section)

    history = sorted([*decisions, *follow_ups], key=lambda r: (r.meeting.date, r.recorded_at, r.pk))
    sections.append(
        Section(
            _("History of decisions and follow-ups"),
            bullets=[_history_line(r) for r in history]
            or [_("Nothing has been decided on the innovation yet.")],
        )
    )

    latest = Section(_("Latest status"))
    report = innovation.status_reports.order_by("-submitted_at", "-id").first()
    if report is not None:
        latest.paragraphs.append(
            _("Status report of %(date)s (%(assessment)s): %(summary)s")
            % {
                "date": _day(report.submitted_at.date()),
                "assessment": report.get_assessment_display(),
                "summary": report.summary,
            }
        )
        if report.next_steps:
            latest.paragraphs.append(_("Next steps: %(text)s") % {"text": report.next_steps})
    evaluation = innovation.evaluations.order_by("-submitted_at", "-id").first()
    if evaluation is not None:
        latest.paragraphs.append(
            _("Evaluation of %(date)s (%(method)s): %(learning)s")
            % {
                "date": _day(evaluation.submitted_at.date()),
                "method": evaluation.get_method_display(),
                "learning": evaluation.learning,
            }
        )
        if evaluation.recommendation:
            latest.paragraphs.append(
                _("Recommendation on spreading: %(text)s") % {"text": evaluation.recommendation}
            )
    if not latest.paragraphs:
        latest.paragraphs.append(_("No status report or evaluation has been submitted yet."))
    sections.append(latest)

    if kind == "follow_up":
        recommendation = [
            _(
                "The administration recommends that the committee takes the status of %(title)s into account (tager orienteringen til efterretning)."
            )
            % {"title": innovation.title}
        ]
    else:
        options = [
            spec.label for spec in specs_from(innovation.state) if spec.requires == "decision"
        ]
        recommendation = [
            _("The administration recommends that the committee decides on %(title)s: %(options)s.")
            % {"title": innovation.title, "options": _(" or ").join(options) or "–"}
        ]
    return Draft(
        title=innovation.title,
        kind=kind,
        meeting=meeting,
        innovation=innovation,
        case_number=innovation.case_number,
        kle_code=innovation.kle_code,
        presentation=sections,
        recommendation=recommendation,
    )


def to_docx(draft: Draft) -> bytes:
    """The draft as a Word document: title, case number, presentation and recommendation."""
    from docx import Document

    document = Document()
    document.core_properties.title = draft.title
    document.add_heading(draft.title, level=1)
    facts = [f"{draft.meeting.committee.name}, {_day(draft.meeting.date)}"]
    if draft.case_number:
        facts.append(_("Case number: %(number)s") % {"number": draft.case_number})
    if draft.kle_code:
        facts.append(_("KLE code: %(code)s") % {"code": draft.kle_code})
    document.add_paragraph(" · ".join(facts))
    document.add_heading(_("Case presentation"), level=2)
    for section in draft.presentation:
        document.add_heading(section.heading, level=3)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        for bullet in section.bullets:
            document.add_paragraph(bullet, style="List Bullet")
    document.add_heading(_("Recommendation"), level=2)
    for paragraph in draft.recommendation:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
