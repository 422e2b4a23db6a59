"""Issue 12, the secretary's minutes, clicked and typed: the decision form that follows the
innovation's phase, votes and texts that must fit, the warning before an approval that moves
nothing, and "Gennemfør" with a confirmation. Each story at 1366×900 and on a 390×844 phone,
in Danish and in English; axe on every page.

Run: DATABASE_URL=... REDIS_URL=... .venv/bin/python -m pytest tests/browser -m browser
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from decisions import services as decision_services
from decisions.models import RESOLUTION_MAX_LENGTH, Decision
from innovations.models import State
from reminders.services import create_checkpoint

from ..factories import InnovationFactory, MembershipFactory, UserFactory
from ..lifecycle import innovation_in
from .conftest import _new_page, sign_in
from .test_daily_work_stories import WIDTHS, check, go

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORDS = {
    "da": {
        "meetings": "Møder",
        "record_it": "registrér det",
        "phase_note": "Fra fasen Udforskning kan udvalget beslutte: Godkend afprøvning",
        "need_note": "Fra fasen Behov kan udvalget beslutte: Giv mandat",
        "only_from": "Giv mandat (kun fra Behov)",
        "votes_error": "194 stemmer i alt",
        "too_many": "tegn for mange",
        "moves_nothing": "hjemler intet",
        "moved_to": "Afprøvning",
        "votes_shown": "4 for, 2 imod, 1 undlod at stemme",
        "apply": "Gennemfør: Giv mandat",
        "confirm": "Ja, gennemfør: Giv mandat",
        "from_to": "Behov til Udforskning",
        "moved": "er flyttet fra Behov til Udforskning (Giv mandat)",
        "approved": "Godkendt",
        "date": lambda day: day.strftime("%d.%m.%Y"),
    },
    "en": {
        "meetings": "Meetings",
        "record_it": "record it",
        "phase_note": "From the phase Exploring the committee can decide on: Approve testing",
        "need_note": "From the phase Need the committee can decide on: Give a mandate",
        "only_from": "Give a mandate (only from Need)",
        "votes_error": "194 votes in all",
        "too_many": "characters too many",
        "moves_nothing": "authorises nothing",
        "moved_to": "Testing",
        "votes_shown": "4 for, 2 against, 1 abstaining",
        "apply": "Apply: Give a mandate",
        "confirm": "Yes, apply: Give a mandate",
        "from_to": "Need to Exploring",
        "moved": "moved from Need to Exploring (Give a mandate)",
        "approved": "Approved",
        "date": lambda day: f"{day.day} {day:%b %Y}",
    },
}


@pytest.fixture(params=list(WIDTHS))
def device(request, browser, live_server):
    context, page = _new_page(browser, live_server, WIDTHS[request.param])
    page.width_name = request.param
    yield page
    context.close()


@pytest.fixture(params=["da", "en"])
def language(request):
    return request.param


def speaking(person, language: str):
    person.language = language
    person.save(update_fields=["language"])
    return person


def seven_members(world) -> None:
    for _ in range(5):
        MembershipFactory(
            person=UserFactory(organisation=world.organisation, role="politician"),
            committee=world.committee,
        )


def option_state(page, value: str) -> dict:
    return page.evaluate(
        """(value) => {
            const option = document.querySelector(`#id_decision-transition option[value="${value}"]`);
            return {disabled: option.disabled, text: option.textContent.trim()};
        }""",
        value,
    )


def test_a_secretary_records_a_due_decision_that_must_fit_the_committee(
    device, copenhagen, language
):
    page, words = device, WORDS[language]
    seven_members(copenhagen)
    exploring = innovation_in(copenhagen, "exploring", title="Sensorer i boliger")
    need = InnovationFactory(committee=copenhagen.committee, title="Varme måltider")
    create_checkpoint(
        actor=copenhagen.administrator,
        innovation=exploring,
        kind="decision",
        due_date=timezone.localdate(),
    )
    recorded = Decision.objects.count()  # the mandate that brought it to exploring
    sign_in(page, speaking(copenhagen.secretary, language))
    go(page, words["meetings"])
    page.click(f"a[href='/meetings/{copenhagen.meeting.pk}/']")
    page.wait_for_load_state()

    # "record it" pre-fills the innovation and the transition
    page.click(f"text={words['record_it']}")
    page.wait_for_load_state()
    assert f"?innovation={exploring.pk}&transition=approve_test#record-decision" in page.url
    assert page.input_value("#id_decision-innovation") == str(exploring.pk)
    assert page.input_value("#id_decision-transition") == "approve_test"
    assert option_state(page, "mandate") == {"disabled": True, "text": words["only_from"]}
    assert words["phase_note"] in page.inner_text("#id_decision-transition_help")
    check(page, f"minutes-prefilled-{language}")

    # another innovation: the dropdown follows its phase (the script, no reload)
    page.select_option("#id_decision-innovation", str(need.pk))
    assert option_state(page, "mandate")["disabled"] is False
    assert option_state(page, "approve_test")["disabled"] is True
    assert words["need_note"] in page.inner_text("#id_decision-transition_help")
    page.select_option("#id_decision-innovation", str(exploring.pk))
    page.select_option("#id_decision-transition", "approve_test")

    # votes that outnumber the committee, and a resolution far too long
    page.fill("#id_decision-agenda_item", "Punkt 6")
    page.select_option("#id_decision-outcome", "approved")
    page.fill("#id_decision-resolution", "x" * (RESOLUTION_MAX_LENGTH + 25))
    assert words["too_many"] in page.inner_text("#id_decision-resolution_counter")
    page.fill("#id_decision-votes_for", "55")
    page.fill("#id_decision-votes_against", "99")
    page.fill("#id_decision-votes_abstaining", "40")
    page.click("#record-decision button[type=submit]")
    page.wait_for_selector("#id_decision-votes_for_errors")
    assert words["votes_error"] in page.inner_text("#id_decision-votes_for_errors")
    assert page.is_visible("#id_decision-resolution_errors")
    assert page.get_attribute("#id_decision-votes_for", "aria-invalid") == "true"
    assert Decision.objects.count() == recorded
    check(page, f"minutes-refused-{language}")

    # as it was: 4 for, 2 against, 1 abstaining, and a resolution of a paragraph
    page.fill("#id_decision-resolution", "Udvalget godkender afprøvning på to plejecentre.")
    page.fill("#id_decision-votes_for", "4")
    page.fill("#id_decision-votes_against", "2")
    page.fill("#id_decision-votes_abstaining", "1")
    page.fill("#id_decision-minority_statements", "Ø tager forbehold for økonomien.")
    page.check("#id_decision-apply_transition")
    page.click("#record-decision button[type=submit]")
    page.wait_for_selector(".message-success")
    assert words["moved_to"] in page.inner_text(".message-success")
    exploring.refresh_from_db()
    assert exploring.state == State.TESTING
    items = page.inner_text("#items")
    assert words["votes_shown"] in items and "Ø tager forbehold for økonomien." in items
    check(page, f"minutes-recorded-{language}")


def test_an_approval_that_moves_nothing_is_recorded_after_a_warning(device, copenhagen, language):
    page, words = device, WORDS[language]
    need = InnovationFactory(committee=copenhagen.committee, title="Varme måltider")
    sign_in(page, speaking(copenhagen.secretary, language))
    page.goto(f"/meetings/{copenhagen.meeting.pk}/?innovation={need.pk}#record-decision")
    page.fill("#id_decision-agenda_item", "Punkt 2")
    page.select_option("#id_decision-outcome", "approved")
    page.fill("#id_decision-resolution", "Udvalget godkender budgettet for 2027.")
    page.click("#record-decision button[type=submit]")
    page.wait_for_selector("#moves-nothing")
    assert words["moves_nothing"] in page.inner_text("#id_decision-transition_errors")
    assert not Decision.objects.exists()
    check(page, f"minutes-moves-nothing-{language}")
    page.check("#id_decision-moves_nothing_confirmed")
    page.click("#record-decision button[type=submit]")
    page.wait_for_selector(".message-success")
    assert Decision.objects.get().transition == ""


def test_apply_asks_which_decision_it_rests_on_and_says_what_moved(device, copenhagen, language):
    page, words = device, WORDS[language]
    need = InnovationFactory(committee=copenhagen.committee, title="Skærmbesøg")
    decision_services.record_decision(
        actor=copenhagen.secretary,
        innovation=need,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 7",
        outcome="approved",
        transition="mandate",
        resolution="Udvalget giver mandat til udforskning.",
        value_direction="Tryghed i eget hjem.",
        follow_up_date=timezone.localdate() + datetime.timedelta(days=90),
    )
    sign_in(page, speaking(copenhagen.secretary, language))
    page.goto(f"/innovations/{need.pk}/")
    page.click(f"#transition-mandate >> text={words['apply']}")
    page.wait_for_selector("#transition-confirm")
    confirm = page.inner_text("#transition-confirm")
    assert words["from_to"] in confirm
    assert "Punkt 7" in confirm and words["approved"] in confirm
    assert words["date"](copenhagen.meeting.date) in confirm
    need.refresh_from_db()
    assert need.state == State.NEED  # nothing moved yet
    check(page, f"apply-confirm-{language}")

    page.click(f"text={words['confirm']}")
    page.wait_for_selector(".message-success")
    said = page.inner_text(".message-success")
    assert words["moved"] in said and "Punkt 7" in said, said
    need.refresh_from_db()
    assert need.state == State.EXPLORING
    check(page, f"apply-done-{language}")
