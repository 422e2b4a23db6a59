"""The pages, as each persona uses them, through Django's test client.

The browser tests (tests/browser/) walk the main stories in Chromium; these cover every page,
the permissions, and that the forms reach the services.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import Correction, Decision
from innovations.models import Evaluation, State
from organisations.models import Meeting

from ..factories import DecisionFactory, InnovationFactory
from ..lifecycle import innovation_in


@pytest.fixture
def need(copenhagen):
    return InnovationFactory(
        committee=copenhagen.committee,
        owner=copenhagen.official,
        title="Skærmbesøg i hjemmeplejen",
        intended_values=["quality", "efficiency"],
    )


def signed_in(client, person):
    client.force_login(person)
    return client


def test_anonymous_people_are_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_page_is_danish_by_default_even_for_an_english_browser(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="da">' in response.content.decode()
    assert "Log ind" in response.content.decode()


def test_signing_in_with_username_and_password(client, copenhagen):
    response = client.post(
        reverse("login"),
        {"username": copenhagen.secretary.username, "password": "demo-password"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_password_reset_sends_a_link_by_email(client, copenhagen, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": copenhagen.politician.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/password/reset/" in mailoutbox[0].body


@pytest.mark.parametrize(
    "persona", ["secretary", "politician", "official", "administrator", "council_secretary"]
)
def test_every_persona_sees_their_overview(client, copenhagen, need, persona):
    person = getattr(copenhagen, persona)
    response = signed_in(client, person).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(person) in html
    assert copenhagen.organisation.name in html
    assert 'id="unread-count"' in html


def test_the_innovation_page_shows_phase_diagram_and_why_not(client, copenhagen, need):
    response = signed_in(client, copenhagen.secretary).get(
        reverse("innovation_detail", args=[need.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and 'class="phase phase-current"' in html
    assert 'id="transition-mandate"' in html
    # Danish: the engine's reason, translated
    assert "mandat" in html.lower()


def test_an_innovation_of_another_municipality_is_not_found(client, copenhagen, aarhus):
    theirs = InnovationFactory(committee=aarhus.committee)
    response = signed_in(client, copenhagen.administrator).get(
        reverse("innovation_detail", args=[theirs.pk])
    )
    assert response.status_code == 404


def test_an_official_raises_an_innovation(client, copenhagen):
    response = signed_in(client, copenhagen.official).post(
        reverse("innovation_create"),
        {
            "title": "Færre madspild i køkkenerne",
            "need": "Der smides for meget mad ud.",
            "committee": copenhagen.committee.pk,
            "intended_values": ["efficiency"],
        },
    )
    assert response.status_code == 302
    innovation = copenhagen.committee.innovations.get()
    assert innovation.owner == copenhagen.official
    assert innovation.state == State.NEED


def test_a_politician_may_not_raise_an_innovation(client, copenhagen):
    response = signed_in(client, copenhagen.politician).get(reverse("innovation_create"))
    assert response.status_code == 403


def test_the_secretary_records_an_approved_mandate_on_the_meeting_page(client, copenhagen, need):
    url = reverse("meeting_detail", args=[copenhagen.meeting.pk])
    page = signed_in(client, copenhagen.secretary).get(url)
    assert need.title in page.content.decode()
    response = client.post(
        url,
        {
            "kind": "decision",
            "decision-innovation": need.pk,
            "decision-agenda_item": "Punkt 3",
            "decision-transition": "mandate",
            "decision-outcome": "approved",
            "decision-resolution": "Udvalget giver mandat.",
            "decision-votes_for": "1",
            "decision-votes_against": "1",
            "decision-value_direction": "Mere tid til borgerne.",
            "decision-apply_transition": "on",
        },
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.state == State.EXPLORING
    decision = Decision.objects.get(innovation=need)
    assert (decision.votes_for, decision.votes_against) == (1, 1)


def test_a_mandate_without_value_direction_is_refused_with_the_reason(client, copenhagen, need):
    url = reverse("meeting_detail", args=[copenhagen.meeting.pk])
    response = signed_in(client, copenhagen.secretary).post(
        url,
        {
            "kind": "decision",
            "decision-innovation": need.pk,
            "decision-agenda_item": "Punkt 3",
            "decision-transition": "mandate",
            "decision-outcome": "approved",
            "decision-resolution": "Udvalget giver mandat.",
            "decision-apply_transition": "on",
        },
    )
    assert response.status_code == 200
    assert "værdimæssig retning" in response.content.decode()
    need.refresh_from_db()
    assert need.state == State.NEED
    assert not Decision.objects.filter(innovation=need).exists()


def test_another_committees_secretary_cannot_record_at_this_meeting(client, copenhagen, need):
    url = reverse("meeting_detail", args=[copenhagen.meeting.pk])
    response = signed_in(client, copenhagen.other_secretary).post(
        url,
        {"kind": "follow_up", "follow_up-innovation": need.pk},
    )
    assert response.status_code == 403


def test_a_recorded_decision_is_corrected_and_both_stay_visible(client, copenhagen, need):
    decision = DecisionFactory(
        innovation=need, meeting=copenhagen.meeting, transition="", outcome="postponed"
    )
    url = reverse("record_correction", args=["decision", decision.pk])
    page = signed_in(client, copenhagen.secretary).get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "reason": "Stemmetallet var forkert.",
            "agenda_item": decision.agenda_item,
            "resolution": decision.resolution,
            "votes_for": "1",
            "value_direction": decision.value_direction,
        },
    )
    assert response.status_code == 302
    correction = Correction.objects.get(decision=decision)
    assert correction.corrected_values == {"votes_for": 1}
    meeting_page = client.get(reverse("meeting_detail", args=[copenhagen.meeting.pk]))
    assert "Stemmetallet var forkert." in meeting_page.content.decode()


def test_an_official_submits_an_evaluation(client, copenhagen):
    # while it is evaluated, with an effect for every intended value
    evaluating = innovation_in(copenhagen, "evaluating")
    response = signed_in(client, copenhagen.official).post(
        reverse("innovation_evaluation", args=[evaluating.pk]),
        {
            "method": "internal",
            "effect_quality": "improved",
            "basis_quality": "measured",
            "text_quality": "Kortere ventetid.",
            "effect_citizen_satisfaction": "unknown",
            "text_citizen_satisfaction": "Ikke målt endnu.",
            "learning": "Borgerne tog godt imod det.",
            "spreading": "with_adaptations",
            "verdict": "realised",
            "verdict_why": "Borgerne venter kortere.",
        },
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(innovation=evaluating)
    assert evaluation.effects["quality"]["effect"] == "improved"
    assert evaluation.spreading == "with_adaptations"
    # every intended value is answered; "unknown" says why
    assert evaluation.effects["citizen_satisfaction"] == {
        "effect": "unknown",
        "basis": "assessed",
        "text": "Ikke målt endnu.",
    }


def test_the_meeting_list_shows_the_secretarys_committees_only(client, copenhagen):
    response = signed_in(client, copenhagen.secretary).get(reverse("meeting_list"))
    html = response.content.decode()
    assert copenhagen.committee.name in html
    assert copenhagen.other_committee.name not in html


def test_preferences_change_delivery_and_language(client, copenhagen):
    person = copenhagen.politician
    response = signed_in(client, person).post(
        reverse("preferences"), {"reminder_delivery": "digest", "language": "en"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.reminder_delivery, person.language) == ("digest", "en")
    page = client.get(reverse("home"))
    assert '<html lang="en">' in page.content.decode()


def test_the_language_switch_changes_the_page_language(client, db):
    response = client.post(reverse("switch_language"), {"language": "en", "next": "/sign-in/"})
    assert response.status_code == 302
    page = client.get(reverse("login"))
    assert '<html lang="en">' in page.content.decode()


def test_the_dashboard_is_for_administrators(client, copenhagen):
    response = signed_in(client, copenhagen.secretary).get(reverse("dashboard"))
    assert response.status_code == 403


def test_the_dashboard_filters_and_exports(client, copenhagen, need):
    other = InnovationFactory(committee=copenhagen.other_committee)
    signed_in(client, copenhagen.administrator)
    response = client.get(reverse("dashboard"), {"committee": copenhagen.committee.pk})
    assert response.status_code == 200
    assert response.context["figures"]["total"] == 1
    csv_response = client.get(
        reverse("dashboard_portfolio_csv"),
        {"committee": copenhagen.committee.pk, "format": "rfc4180"},
    )
    body = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    rows = body.strip().splitlines()
    assert rows[0].startswith("id,title,phase")
    assert len(rows) == 2 and rows[1].startswith(f"{need.pk},")
    assert str(other.pk) not in [r.split(",")[0] for r in rows[1:]]


def test_the_decision_log_csv_holds_the_decisions_in_the_period(client, copenhagen, need):
    old_meeting = Meeting.objects.create(
        committee=copenhagen.committee, date=timezone.localdate() - datetime.timedelta(days=400)
    )
    DecisionFactory(innovation=need, meeting=old_meeting, transition="")
    recent = DecisionFactory(innovation=need, meeting=copenhagen.meeting, transition="")
    signed_in(client, copenhagen.administrator)
    response = client.get(
        reverse("dashboard_decisions_csv"),
        {
            "period_from": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(),
            "format": "rfc4180",
        },
    )
    rows = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 2
    assert rows[1].startswith(f"{recent.pk},")


def test_an_official_asks_for_a_decision_and_the_secretary_sees_it_on_the_agenda(
    client, copenhagen, need
):
    from reminders.models import Checkpoint

    # due by the committee's next meeting (today's), so it is on that meeting's agenda
    due = timezone.localdate()
    response = signed_in(client, copenhagen.official).post(
        reverse("innovation_ask_for_decision", args=[need.pk]),
        {"title": "Godkend afprøvning på to plejecentre", "due_date": due.isoformat()},
    )
    assert response.status_code == 302
    checkpoint = Checkpoint.objects.get(innovation=need, kind="decision")
    assert (checkpoint.due_date, checkpoint.committee) == (due, copenhagen.committee)
    agenda = signed_in(client, copenhagen.secretary).get(reverse("meeting_list"))
    assert "Godkend afprøvning på to plejecentre" in agenda.content.decode()


def test_a_politician_sees_the_follow_ups_of_their_committees_soonest_first(
    client, copenhagen, need
):
    from reminders.services import create_checkpoint

    later = create_checkpoint(
        actor=copenhagen.secretary,
        innovation=need,
        kind="follow_up",
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        title="Senere",
    )
    sooner = create_checkpoint(
        actor=copenhagen.secretary,
        innovation=need,
        kind="follow_up",
        due_date=timezone.localdate() + datetime.timedelta(days=2),
        title="Snart",
    )
    other = InnovationFactory(committee=copenhagen.other_committee)
    create_checkpoint(
        actor=copenhagen.administrator,
        innovation=other,
        kind="follow_up",
        due_date=timezone.localdate() + datetime.timedelta(days=1),
        title="Ikke mit udvalg",
    )
    response = signed_in(client, copenhagen.politician).get(reverse("my_follow_ups"))
    assert [c.pk for c in response.context["follow_ups"]] == [sooner.pk, later.pk]
    assert "Ikke mit udvalg" not in response.content.decode()


def test_an_administrator_changes_the_reminder_policy_and_a_rule(client, copenhagen):
    from reminders.models import CheckpointRule, ReminderPolicy

    signed_in(client, copenhagen.administrator)
    page = client.get(reverse("dashboard_rules"))
    assert page.status_code == 200
    response = client.post(
        reverse("dashboard_rules"),
        {
            "action": "policy",
            "days_before": "21, 7",
            "on_due_day": "on",
            "overdue_every_days": "5",
            "escalate_after_days_overdue": "",
            "send_hour": "9",
            "digest_time": "07:00",
        },
    )
    assert response.status_code == 302
    policy = ReminderPolicy.objects.get(organisation=copenhagen.organisation)
    assert (policy.days_before, policy.overdue_every_days, policy.send_hour) == ([21, 7], 5, 9)
    assert policy.escalate_after_days_overdue is None

    rule = CheckpointRule.objects.filter(organisation=copenhagen.organisation).first()
    response = client.post(
        reverse("dashboard_rule_edit", args=[rule.pk]),
        {
            "state": rule.state,
            "kind": rule.kind,
            "due_after_days": "45",
            "repeat_every_days": "",
            "responsible": rule.responsible,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.due_after_days, rule.repeat_every_days, rule.active) == (45, None, False)


def test_only_administrators_edit_the_rules(client, copenhagen):
    response = signed_in(client, copenhagen.secretary).get(reverse("dashboard_rules"))
    assert response.status_code == 403


def test_the_calendar_page_shows_the_personal_feed_address(client, copenhagen):
    person = copenhagen.politician
    response = signed_in(client, person).get(reverse("calendar"))
    assert person.calendar_token in response.content.decode()
    client.post(reverse("calendar"))
    old = person.calendar_token
    person.refresh_from_db()
    assert person.calendar_token != old


def test_the_dashboard_counts_and_lists_overdue_checkpoints_and_stale_innovations(
    client, copenhagen
):
    import time_machine

    from innovations.models import Innovation
    from reminders.services import create_checkpoint

    long_ago = timezone.now() - datetime.timedelta(days=400)
    quiet = InnovationFactory(committee=copenhagen.committee, title="Stille projekt")
    busy = InnovationFactory(committee=copenhagen.committee, title="Travlt projekt")
    Innovation.objects.filter(pk__in=[quiet.pk, busy.pk]).update(created_at=long_ago)
    DecisionFactory(innovation=busy, meeting=copenhagen.meeting, transition="")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=30)):
        late = create_checkpoint(
            actor=copenhagen.secretary,
            innovation=quiet,
            kind="follow_up",
            due_date=timezone.localdate() + datetime.timedelta(days=10),
        )
    create_checkpoint(
        actor=copenhagen.secretary,
        innovation=busy,
        kind="follow_up",
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )

    response = signed_in(client, copenhagen.administrator).get(reverse("dashboard"))
    figures = response.context["figures"]
    assert figures["overdue_count"] == 1
    assert [c.pk for c in figures["overdue_list"]] == [late.pk]
    assert figures["stale_count"] == 1
    assert [i.pk for i in figures["stale_list"]] == [quiet.pk]
    assert "Stille projekt" in response.content.decode()

    fresh = client.get(reverse("dashboard"), {"stale_months": "24"}).context["figures"]
    assert fresh["stale_count"] == 0


def test_the_next_meetings_page_lists_what_is_due_and_records_nothing_before_it(
    client, copenhagen, need
):
    from reminders.services import create_checkpoint

    next_meeting = Meeting.objects.create(
        committee=copenhagen.committee, date=timezone.localdate() + datetime.timedelta(days=14)
    )
    create_checkpoint(
        actor=copenhagen.official,
        innovation=need,
        kind="decision",
        due_date=timezone.localdate() + datetime.timedelta(days=7),
        title="Mandat til udforskning",
    )
    page = signed_in(client, copenhagen.secretary).get(
        reverse("meeting_detail", args=[next_meeting.pk])
    )
    html = page.content.decode()
    assert "Mandat til udforskning" in html
    assert 'id="record-decision"' not in html
    past = client.get(reverse("meeting_detail", args=[copenhagen.meeting.pk])).content.decode()
    assert 'id="record-decision"' in past
    assert "Mandat til udforskning" not in past  # due after that meeting


def test_a_recorded_decision_is_applied_later_from_the_innovation_page(client, copenhagen, need):
    url = reverse("meeting_detail", args=[copenhagen.meeting.pk])
    signed_in(client, copenhagen.secretary).post(
        url,
        {
            "kind": "decision",
            "decision-innovation": need.pk,
            "decision-agenda_item": "Punkt 5",
            "decision-transition": "mandate",
            "decision-outcome": "approved",
            "decision-resolution": "Mandat givet.",
            "decision-value_direction": "Tryghed i eget hjem.",
        },
    )
    need.refresh_from_db()
    assert need.state == State.NEED  # recorded, not applied
    page = client.get(reverse("innovation_detail", args=[need.pk])).content.decode()
    assert reverse("innovation_transition", args=[need.pk, "mandate"]) in page

    # A politician sees why not, and cannot apply it.
    politician_page = signed_in(client, copenhagen.politician).get(
        reverse("innovation_detail", args=[need.pk])
    )
    assert reverse("innovation_transition", args=[need.pk, "mandate"]) not in (
        politician_page.content.decode()
    )

    response = signed_in(client, copenhagen.secretary).post(
        reverse("innovation_transition", args=[need.pk, "mandate"]),
        {"expected_state": "need"},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.state, need.value_direction) == (State.EXPLORING, "Tryghed i eget hjem.")
