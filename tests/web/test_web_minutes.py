"""The secretary's minutes, as the rules behind the pages hold them (issue 12): votes that
fit the committee, texts of a sensible length, transitions offered from the phase, a warning
before an approval that moves nothing, "Gennemfør" with a confirmation, engine reasons in the
UI's words, and the meeting page that shows what was recorded.

Each rule is tried through the service, the web form and the API alike.
"""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import ValidationFailed
from decisions import services as decision_services
from decisions.models import RESOLUTION_MAX_LENGTH, Decision
from innovations.models import State
from reminders.services import create_checkpoint

from ..factories import (
    DecisionFactory,
    InnovationFactory,
    MembershipFactory,
    UserFactory,
    api_key_for,
)
from ..lifecycle import innovation_in

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def seven_members(world) -> None:
    """The committee gets seven members with a vote (it has a chair and a member already)."""
    for _ in range(5):
        MembershipFactory(
            person=UserFactory(organisation=world.organisation, role="politician"),
            committee=world.committee,
            role="member",
        )


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}", HTTP_ACCEPT_LANGUAGE="da")
    return client


def meeting_url(world) -> str:
    return reverse("meeting_detail", args=[world.meeting.pk])


def decision_post(innovation, **extra) -> dict:
    data = {
        "kind": "decision",
        "decision-innovation": innovation.pk,
        "decision-agenda_item": "Punkt 4",
        "decision-transition": "mandate",
        "decision-outcome": "approved",
        "decision-resolution": "Udvalget giver mandat.",
        "decision-value_direction": "Mere tid til borgerne.",
    }
    data.update({f"decision-{key}": value for key, value in extra.items()})
    return data


def text_of(page: str) -> str:
    """What a reader sees: no tags, no attributes."""
    body = page[page.index("<main") :]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def field_errors(page: str, field: str) -> str:
    """The error list tied to a field of the decision form."""
    found = re.search(
        rf'<ul class="errorlist" id="id_decision-{field}_errors">(.*?)</ul>', page, re.S
    )
    return html.unescape(found.group(1)) if found else ""


@pytest.fixture
def need(copenhagen):
    return InnovationFactory(
        committee=copenhagen.committee, owner=copenhagen.official, title="Skærmbesøg"
    )


# --- Votes against the committee's size ----------------------------------------------------------


def test_votes_that_outnumber_the_committee_are_refused_by_the_service(copenhagen, need):
    seven_members(copenhagen)
    with pytest.raises(ValidationFailed) as refused:
        decision_services.record_decision(
            actor=copenhagen.secretary,
            innovation=need,
            meeting=copenhagen.meeting,
            agenda_item="Punkt 4",
            outcome="approved",
            transition="mandate",
            resolution="Mandat givet.",
            value_direction="Tryghed.",
            votes_for=55,
            votes_against=99,
            votes_abstaining=40,
        )
    message = refused.value.errors["votes_for"][0]
    assert "194" in message and "7" in message, message
    assert not Decision.objects.exists()

    # seven is fine, and fewer (members absent) too
    for votes in ((4, 2, 1), (3, 1, 0)):
        decision_services.record_decision(
            actor=copenhagen.secretary,
            innovation=need,
            meeting=copenhagen.meeting,
            agenda_item=f"Punkt {sum(votes)}",
            outcome="rejected",
            transition="mandate",
            resolution="Ikke godkendt.",
            votes_for=votes[0],
            votes_against=votes[1],
            votes_abstaining=votes[2],
        )
    assert Decision.objects.count() == 2


def test_members_of_another_term_do_not_count(copenhagen, need):
    # a committee of seven this term; last term's members (ended) are not counted
    seven_members(copenhagen)
    for _ in range(3):
        MembershipFactory(
            person=UserFactory(organisation=copenhagen.organisation, role="politician"),
            committee=copenhagen.committee,
            valid_from=datetime.date(2022, 1, 1),
            valid_to=datetime.date(2025, 12, 31),
        )
    with pytest.raises(ValidationFailed):
        decision_services.record_decision(
            actor=copenhagen.secretary,
            innovation=need,
            meeting=copenhagen.meeting,
            agenda_item="Punkt 1",
            outcome="rejected",
            resolution="Ikke godkendt.",
            votes_for=8,
        )


def test_the_web_form_puts_the_vote_check_on_the_votes(client, copenhagen, need):
    seven_members(copenhagen)
    client.force_login(copenhagen.secretary)
    response = client.post(
        meeting_url(copenhagen),
        decision_post(need, votes_for="55", votes_against="99", votes_abstaining="40"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    errors = field_errors(page, "votes_for")
    assert "194 stemmer" in errors and "7 medlemmer" in errors, errors
    assert not Decision.objects.exists()


def test_the_api_and_a_correction_obey_the_same_vote_check(copenhagen, need):
    seven_members(copenhagen)
    response = api(copenhagen.secretary).post(
        "/api/v1/decisions/",
        {
            "innovation": need.pk,
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 4",
            "outcome": "rejected",
            "resolution": "Ikke godkendt.",
            "votes_for": 55,
            "votes_against": 99,
            "votes_abstaining": 40,
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "votes_for" in response.json()["errors"]

    decision = decision_services.record_decision(
        actor=copenhagen.secretary,
        innovation=need,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 4",
        outcome="rejected",
        resolution="Ikke godkendt.",
        votes_for=3,
        votes_against=4,
    ).record
    with pytest.raises(ValidationFailed) as refused:
        decision_services.record_correction(
            actor=copenhagen.secretary,
            decision=decision,
            reason="Tastefejl.",
            corrected_values={"votes_for": 5},  # 5 + 4 = 9 > 7
        )
    assert "votes_for" in refused.value.errors
    decision_services.record_correction(
        actor=copenhagen.secretary,
        decision=decision,
        reason="Tastefejl.",
        corrected_values={"votes_for": 3, "votes_abstaining": 0},
    )


# --- Long texts ----------------------------------------------------------------------------------


def test_a_resolution_over_the_limit_is_refused_on_its_field(client, copenhagen, need):
    client.force_login(copenhagen.secretary)
    page = client.get(meeting_url(copenhagen)).content.decode()
    assert f'data-max-length="{RESOLUTION_MAX_LENGTH}"' in page
    assert "js/record-forms.js" in page  # the counter, from a static file (CSP)
    assert (
        "<script>" not in page
        and "maxlength" not in page.split('name="decision-resolution"')[1][:10]
    )

    response = client.post(meeting_url(copenhagen), decision_post(need, resolution="x" * 58_000))
    errors = field_errors(response.content.decode(), "resolution")
    assert "58000 tegn" in errors.replace(".", "") and "10000" in errors.replace(".", ""), errors
    assert not Decision.objects.exists()

    # the API and the service say the same
    response = api(copenhagen.secretary).post(
        "/api/v1/decisions/",
        {
            "innovation": need.pk,
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 4",
            "outcome": "rejected",
            "resolution": "x" * (RESOLUTION_MAX_LENGTH + 1),
        },
        format="json",
    )
    assert response.status_code == 400 and "resolution" in response.json()["errors"]
    # exactly at the limit is fine
    decision_services.record_decision(
        actor=copenhagen.secretary,
        innovation=need,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 5",
        outcome="rejected",
        resolution="x" * RESOLUTION_MAX_LENGTH,
    )


def test_a_correction_cannot_lengthen_a_text_past_the_limit(copenhagen, need):
    decision = DecisionFactory(innovation=need, meeting=copenhagen.meeting, outcome="postponed")
    with pytest.raises(ValidationFailed) as refused:
        decision_services.record_correction(
            actor=copenhagen.secretary,
            decision=decision,
            reason="Den fulde tekst.",
            corrected_values={"minority_statements": "y" * 50_000},
        )
    assert "minority_statements" in refused.value.errors


# --- The decision form: transitions from the phase, pre-filled, and the warning --------------


def test_the_form_offers_only_the_transitions_possible_from_the_phase(client, copenhagen):
    exploring = innovation_in(copenhagen, "exploring")
    client.force_login(copenhagen.secretary)
    page = client.get(
        meeting_url(copenhagen), {"innovation": exploring.pk, "transition": "approve_test"}
    ).content.decode()
    select = page[
        page.index('name="decision-transition"') : page.index(
            "</select>", page.index('name="decision-transition"')
        )
    ]
    options = dict(re.findall(r'<option value="(\w*)"([^>]*)>', select))
    assert "selected" in options["approve_test"] and "disabled" not in options["approve_test"]
    for possible in ("pause", "stop"):
        assert "disabled" not in options[possible]
    for impossible in ("mandate", "approve_implementation", "spread", "resume"):
        assert "disabled" in options[impossible], impossible
    assert "Giv mandat (kun fra Behov)" in html.unescape(select)
    note = html.unescape(page)
    assert (
        "Fra fasen Udforskning kan udvalget beslutte: Godkend afprøvning, Sæt på pause, Stop"
        in note
    ) or ("Fra fasen Udforskning kan udvalget beslutte:" in note), note[:0]
    assert re.search(rf'<option value="{exploring.pk}"[^>]*data-phase="exploring"', page)


def test_record_it_on_the_due_list_prefills_the_innovation_and_the_transition(client, copenhagen):
    exploring = innovation_in(copenhagen, "exploring")
    create_checkpoint(
        actor=copenhagen.administrator,
        innovation=exploring,
        kind="decision",
        due_date=today(),
        title="Godkend afprøvning",
    )
    client.force_login(copenhagen.secretary)
    page = client.get(meeting_url(copenhagen)).content.decode()
    link = f"?innovation={exploring.pk}&amp;transition=approve_test#record-decision"
    assert link in page
    prefilled = client.get(
        meeting_url(copenhagen), {"innovation": exploring.pk, "transition": "approve_test"}
    ).content.decode()
    assert re.search(rf'<option value="{exploring.pk}" selected data-phase="exploring"', prefilled)
    assert re.search(r'<option value="approve_test"[^>]*selected', prefilled)


def test_an_approval_that_moves_nothing_is_recorded_only_after_a_warning(client, copenhagen, need):
    client.force_login(copenhagen.secretary)
    response = client.post(meeting_url(copenhagen), decision_post(need, transition=""))
    assert response.status_code == 200
    page = response.content.decode()
    assert "hjemler intet" in field_errors(page, "transition")
    assert 'name="decision-moves_nothing_confirmed"' in page
    assert not Decision.objects.exists()

    response = client.post(
        meeting_url(copenhagen),
        decision_post(need, transition="", moves_nothing_confirmed="on"),
    )
    assert response.status_code == 302
    assert Decision.objects.get().transition == ""
    # a postponed decision without a transition needs no confirmation
    client.post(meeting_url(copenhagen), decision_post(need, transition="", outcome="postponed"))
    assert Decision.objects.count() == 2


# --- Gennemfør: confirm, then say what moved --------------------------------------------------


def test_apply_asks_for_confirmation_naming_the_decision_and_then_says_what_moved(
    client, copenhagen, need
):
    decision_services.record_decision(
        actor=copenhagen.secretary,
        innovation=need,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 7",
        outcome="approved",
        transition="mandate",
        resolution="Udvalget giver mandat til udforskning.",
        value_direction="Tryghed i eget hjem.",
    )
    client.force_login(copenhagen.secretary)
    detail = client.get(reverse("innovation_detail", args=[need.pk])).content.decode()
    url = reverse("innovation_transition", args=[need.pk, "mandate"])
    assert f'href="{url}"' in detail  # a link to the confirmation, not a one-click form

    confirm = client.get(url)
    assert confirm.status_code == 200
    text = text_of(confirm.content.decode())
    assert "Gennemfør: Giv mandat" in text
    assert "Behov til Udforskning" in text
    assert "Punkt 7" in text and "Sundheds- og Omsorgsudvalget" in text and "Godkendt" in text
    need.refresh_from_db()
    assert need.state == State.NEED  # nothing happened yet

    response = client.post(url, {"expected_state": "need"}, follow=True)
    need.refresh_from_db()
    assert need.state == State.EXPLORING
    said = text_of(response.content.decode())
    day = copenhagen.meeting.date.strftime("%d.%m.%Y")
    assert "“Skærmbesøg” er flyttet fra Behov til Udforskning (Giv mandat)" in said, said[:600]
    assert f"Sundheds- og Omsorgsudvalget {day}, Punkt 7 (Godkendt)" in said


# --- The engine's reasons in the UI's words ---------------------------------------------------

# The codes of transitions and phases that are no Danish words ("pause", "stop" are).
CODES = re.compile(
    r"\b(approve_test|approve_implementation|start_evaluation|recycle|spread|complete|"
    r"close|resume|exploring|testing|implementing|evaluating|spreading|paused|completed|"
    r"stopped)\b"
)


def test_no_transition_or_phase_code_reaches_a_reader(client, copenhagen):
    exploring = innovation_in(copenhagen, "exploring")
    # evidence of the wrong kind: the reasons must name it in the UI's words
    DecisionFactory(innovation=exploring, meeting=copenhagen.meeting, transition="pause")
    client.force_login(copenhagen.secretary)
    detail = text_of(client.get(reverse("innovation_detail", args=[exploring.pk])).content.decode())
    assert "kræver en godkendt beslutning om “Godkend afprøvning”" in detail
    assert not CODES.findall(detail), CODES.findall(detail)

    # a refused approval from the wrong phase, on the field it concerns
    response = client.post(
        meeting_url(copenhagen),
        decision_post(exploring, transition="approve_implementation", apply_transition="on"),
    )
    errors = field_errors(response.content.decode(), "transition")
    assert "Godkend implementering" in errors and "Afprøvning" in errors, errors
    assert not CODES.findall(errors)

    meeting = text_of(client.get(meeting_url(copenhagen)).content.decode())
    assert not CODES.findall(meeting), CODES.findall(meeting)


# --- The meeting page shows what was recorded ----------------------------------------------------


def test_the_meeting_page_shows_votes_statements_direction_and_follow_up(client, copenhagen, need):
    follow_up = today() + datetime.timedelta(days=182)
    decision_services.record_decision(
        actor=copenhagen.secretary,
        innovation=need,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 2",
        outcome="approved",
        transition="mandate",
        resolution="Mandat givet.",
        votes_for=1,
        votes_against=1,
        votes_abstaining=0,
        minority_statements="Enhedslisten tager forbehold.",
        value_direction="Borgeren skal opleve mere nærvær.",
        follow_up_date=follow_up,
    )
    client.force_login(copenhagen.politician)
    text = text_of(client.get(meeting_url(copenhagen)).content.decode())
    assert "1 for, 1 imod, 0 undlod at stemme" in text
    assert "Enhedslisten tager forbehold." in text
    assert "Borgeren skal opleve mere nærvær." in text
    assert follow_up.strftime("%d.%m.%Y") in text


# --- The API: a meeting's start time -----------------------------------------------------------


def test_the_api_gives_and_takes_a_meetings_start_time(copenhagen):
    client = api(copenhagen.secretary)
    created = client.post(
        "/api/v1/meetings/",
        {
            "committee": copenhagen.committee.pk,
            "date": (today() + datetime.timedelta(days=30)).isoformat(),
            "start_time": "16:30",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["start_time"] == "16:30:00"
    listed = client.get(f"/api/v1/meetings/{copenhagen.meeting.pk}/").json()
    assert "start_time" in listed and listed["start_time"] is None


def test_a_reason_sits_on_the_field_it_concerns(client, copenhagen, need):
    client.force_login(copenhagen.secretary)
    response = client.post(
        meeting_url(copenhagen),
        decision_post(need, value_direction="", apply_transition="on"),
    )
    errors = field_errors(response.content.decode(), "value_direction")
    assert "kræver en godkendt beslutning om “Giv mandat” med en værdimæssig retning" in errors
    assert not Decision.objects.exists()
