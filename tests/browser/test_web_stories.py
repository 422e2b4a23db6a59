"""The main stories of the web UI, each as a person does it, in headless Chromium.

Run: DATABASE_URL=... REDIS_URL=... .venv/bin/python -m pytest tests/browser -m browser
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

from decisions.models import Decision, TransitionLog
from innovations.models import Evaluation, Innovation, State

from ..factories import DecisionFactory, InnovationFactory
from .conftest import PHONE, assert_accessible, screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_secretary_records_an_approved_mandate_and_sees_the_innovation_move(page, copenhagen):
    need = InnovationFactory(
        committee=copenhagen.committee, title="Skærmbesøg i hjemmeplejen", state=State.NEED
    )
    sign_in(page, copenhagen.secretary)
    page.click("nav >> text=Møder")
    page.click(f"a[href='/meetings/{copenhagen.meeting.pk}/']")
    assert_accessible(page)

    page.select_option("#id_decision-innovation", str(need.pk))
    page.fill("#id_decision-agenda_item", "Punkt 4")
    page.select_option("#id_decision-transition", "mandate")
    page.select_option("#id_decision-outcome", "approved")
    page.fill("#id_decision-resolution", "Udvalget giver mandat til at udforske løsninger.")
    page.fill("#id_decision-votes_for", "1")
    page.fill("#id_decision-votes_against", "1")
    page.fill("#id_decision-votes_abstaining", "0")
    page.fill(
        "#id_decision-minority_statements", "V ønsker en udgiftsneutral løsning ført til protokol."
    )
    page.fill("#id_decision-value_direction", "Mere tid hos borgerne og mindre transport.")
    page.check("#id_decision-apply_transition")
    page.click("#record-decision button[type=submit]")

    page.wait_for_selector(".message-success")
    assert "Udforskning" in page.inner_text(".message-success")
    need.refresh_from_db()
    assert need.state == State.EXPLORING
    decision = Decision.objects.get(innovation=need)
    assert (decision.votes_for, decision.votes_against, decision.outcome) == (1, 1, "approved")
    assert TransitionLog.objects.get(innovation=need).decision == decision

    page.click(f"#items a[href='/innovations/{need.pk}/']")
    assert page.get_attribute("#current-phase", "data-state") == "exploring"
    assert "Udforskning" in page.locator("svg.lifecycle .phase-current").text_content()
    assert_accessible(page)
    screenshot(page, "secretary-mandate")


def test_a_politician_sees_the_due_follow_up_opens_its_notification_and_the_count_drops(
    page, copenhagen
):
    from reminders.delivery import deliver_all_pending
    from reminders.services import create_checkpoint
    from reminders.sweep import sweep

    innovation = InnovationFactory(
        committee=copenhagen.committee, title="Sensorer i plejeboliger", owner=copenhagen.official
    )
    checkpoint = create_checkpoint(
        actor=copenhagen.secretary,
        innovation=innovation,
        kind="follow_up",
        due_date=timezone.localdate(),
        title="Status til udvalget",
    )
    checkpoint.refresh_from_db()
    sweep(now=max(checkpoint.next_reminder_at, timezone.now()), enqueue=False)
    deliver_all_pending()
    politician = copenhagen.politician
    assert politician.notifications.filter(unread=True).count() == 1

    sign_in(page, politician)
    assert page.inner_text("#unread-count").strip() == "1"
    page.click("nav >> text=Mine opfølgninger")
    row = page.locator(f"#checkpoint-{checkpoint.pk}")
    assert "Sensorer i plejeboliger" in row.inner_text()
    assert_accessible(page)

    page.click("#unread-link")
    assert_accessible(page)
    page.click(".notification-list li.unread button")
    page.wait_for_url(f"**/innovations/{innovation.pk}/**")
    assert page.inner_text("#unread-count").strip() == "0"
    assert politician.notifications.filter(unread=True).count() == 0
    screenshot(page, "politician-notification")


def test_an_official_submits_an_evaluation_and_the_evaluation_checkpoint_closes(page, copenhagen):
    innovation = InnovationFactory(
        committee=copenhagen.committee,
        owner=copenhagen.official,
        title="Digital genoptræning",
        intended_values=["quality", "citizen_satisfaction"],
        state=State.EVALUATING,  # made so: a state changed by UPDATE needs its log row
    )
    from reminders.services import create_checkpoint

    checkpoint = create_checkpoint(
        actor=copenhagen.official,
        innovation=innovation,
        kind="evaluation",
        due_date=timezone.localdate() + datetime.timedelta(days=20),
    )

    sign_in(page, copenhagen.official)
    page.click("nav >> text=Mine innovationer")
    page.click("text=Digital genoptræning")
    page.click("text=Indsend en evaluering")
    assert_accessible(page)
    page.select_option("#id_method", "internal")
    page.select_option("#id_effect_quality", "improved")
    page.select_option("#id_basis_quality", "measured")
    page.fill("#id_text_quality", "Genoptræningen blev kortere.")
    page.select_option("#id_effect_citizen_satisfaction", "improved")
    page.fill("#id_learning", "Borgerne vil gerne træne hjemme.")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")

    evaluation = Evaluation.objects.get(innovation=innovation)
    assert evaluation.effects["quality"] == {
        "effect": "improved",
        "basis": "measured",
        "text": "Genoptræningen blev kortere.",
    }
    checkpoint.refresh_from_db()
    assert checkpoint.status == "completed"
    assert page.locator(f"#checkpoint-{checkpoint.pk}").count() == 0
    screenshot(page, "official-evaluation")


def test_an_administrator_filters_the_dashboard_and_downloads_the_csv(page, copenhagen):
    mine = [
        InnovationFactory(committee=copenhagen.committee, title=f"Velfærd {n}") for n in range(3)
    ]
    InnovationFactory(committee=copenhagen.other_committee, title="Vejbelysning")
    DecisionFactory(innovation=mine[0], meeting=copenhagen.meeting, transition="")

    sign_in(page, copenhagen.administrator)
    page.click("nav >> text=Portefølje")
    assert page.inner_text("#total-count").strip() == "4"
    page.select_option("#id_committee", str(copenhagen.committee.pk))
    page.click("main form button[type=submit]")
    page.wait_for_url("**committee=*")
    assert page.inner_text("#total-count").strip() == "3"
    assert_accessible(page)
    screenshot(page, "administrator-dashboard")

    with page.expect_download() as download_info:
        page.click("#portfolio-csv")
    # what Danish Excel opens by double-click: a BOM, semicolons, Danish headers and phases
    raw = download_info.value.path().read_bytes()
    assert raw.startswith("\ufeff".encode())
    content = raw.decode("utf-8-sig")
    header = content.splitlines()[0]
    assert header.split(";")[:4] == ["id", "titel", "fase", "udvalg"]
    assert "beslutninger" in header.split(";")
    rows = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    expected = Innovation.objects.filter(committee=copenhagen.committee).order_by("id")
    assert [int(r["id"]) for r in rows] == [i.pk for i in expected]
    assert [r["titel"] for r in rows] == [i.title for i in expected]
    assert {r["fase"] for r in rows} == {"Behov"}
    assert [int(r["beslutninger"]) for r in rows] == [
        Decision.objects.filter(innovation=i).count() for i in expected
    ]
    assert all(r["udvalg"] == copenhagen.committee.name for r in rows)


def test_the_pages_work_on_a_phone(phone_page, copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    sign_in(phone_page, copenhagen.secretary)
    phone_page.goto(f"/innovations/{innovation.pk}/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"
    screenshot(phone_page, "phone-innovation")
    phone_page.goto(f"/meetings/{copenhagen.meeting.pk}/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone_page, "phone-meeting")
