"""Politicians act, through the pages: a member proposal, a request to examine reuse from the
catalogue, following, the committee's report (page, print stylesheet, CSV) and the briefing."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from innovations.models import Innovation, RaisedBy
from politics.models import MemberProposal, ReuseRequest, ReuseRequestStatus
from reminders.models import Follow

from ..catalogue_world import shared_innovation
from ..lifecycle import innovation_in, raise_need

pytestmark = pytest.mark.django_db


def signed_in(client, person):
    client.force_login(person)
    return client


def test_a_politician_raises_a_member_proposal_on_the_page(client, copenhagen):
    signed_in(client, copenhagen.politician)
    form = client.get(reverse("proposal_create"))
    assert form.status_code == 200
    response = client.post(
        reverse("proposal_create"),
        {
            "committee": copenhagen.committee.pk,
            "title": "Grønne skolegårde",
            "need": "Asfalt og ingen skygge.",
            "proposal": "Forvaltningen bedes undersøge løsninger med skolerne.",
        },
        follow=True,
    )
    proposal = MemberProposal.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "innovation_detail", args=[proposal.innovation_id]
    )
    assert proposal.innovation.raised_by == RaisedBy.POLITICIAN
    listing = client.get(reverse("proposal_list")).content.decode()
    assert "Grønne skolegårde" in listing
    # the secretary sees it on the meeting's page among what is due
    signed_in(client, copenhagen.secretary)
    page = client.get(reverse("meeting_detail", args=[copenhagen.meeting.pk])).content.decode()
    assert "Grønne skolegårde" in page


def test_an_empty_proposal_shows_the_errors(client, copenhagen):
    signed_in(client, copenhagen.politician)
    response = client.post(reverse("proposal_create"), {"committee": copenhagen.committee.pk})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not MemberProposal.objects.exists()


def test_an_official_may_not_propose(client, copenhagen):
    signed_in(client, copenhagen.official)
    assert client.get(reverse("proposal_create")).status_code == 403


def test_a_politician_asks_for_an_examination_from_the_catalogue(client, copenhagen, aarhus):
    origin = shared_innovation(aarhus, title="Skærmbesøg")
    signed_in(client, copenhagen.politician)
    entry = client.get(reverse("catalogue_entry", args=[origin.pk])).content.decode()
    assert 'id="reuse-request-form"' in entry
    response = client.post(
        reverse("reuse_request_create", args=[origin.pk]),
        {"committee": copenhagen.committee.pk, "reason": "Samme behov i København."},
    )
    request = ReuseRequest.objects.get()
    assert response["Location"] == reverse("reuse_request_detail", args=[request.pk])
    # the entry now says a request is open
    entry = client.get(reverse("catalogue_entry", args=[origin.pk])).content.decode()
    assert 'id="reuse-request-form"' not in entry
    assert reverse("reuse_request_detail", args=[request.pk]) in entry
    # an official examines it on the request's page
    signed_in(client, copenhagen.official)
    url = reverse("reuse_request_detail", args=[request.pk])
    client.post(url, {"action": "start"})
    client.post(url, {"action": "examination", "examination": "Passer godt."})
    request.refresh_from_db()
    assert request.status == ReuseRequestStatus.FOR_DECISION
    assert Innovation.objects.filter(reused_from=origin, organisation=copenhagen.organisation)


def test_following_from_the_innovation_page(client, copenhagen):
    innovation = raise_need(copenhagen)
    signed_in(client, copenhagen.politician)
    detail = reverse("innovation_detail", args=[innovation.pk])
    page = client.get(detail).content.decode()
    assert 'id="follow-button"' in page and 'aria-pressed="false"' in page
    response = client.post(
        reverse("follow_toggle", args=[innovation.pk]), {"follow": "1", "next": detail}
    )
    assert response["Location"] == detail
    assert Follow.objects.filter(person=copenhagen.politician, innovation=innovation).exists()
    assert 'aria-pressed="true"' in client.get(detail).content.decode()
    assert innovation.title in client.get(reverse("my_follows")).content.decode()
    client.post(reverse("follow_toggle", args=[innovation.pk]), {"follow": "0"})
    assert not Follow.objects.exists()


def test_the_committee_report_page_prints_and_downloads(client, copenhagen):
    innovation_in(copenhagen, "exploring", title="Mandat i år")
    signed_in(client, copenhagen.politician)
    start = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    url = reverse("committee_report", args=[copenhagen.committee.pk])
    page = client.get(url, {"start": start}).content.decode()
    assert "Mandat i år" in page
    assert 'id="report-mandates"' in page
    assert "css/report-print.css" in page
    stylesheet = Path(finders.find("css/report-print.css")).read_text(encoding="utf-8")
    assert "@media print" in stylesheet and "size: A4" in stylesheet
    csv_response = client.get(
        reverse("committee_report_csv", args=[copenhagen.committee.pk]), {"start": start}
    )
    text = csv_response.content.decode("utf-8")
    assert text.startswith("\ufeff") and ";" in text.splitlines()[0]
    assert "Mandat i år" in text
    assert (
        client.get(
            reverse("committee_report_csv", args=[copenhagen.committee.pk]), {"format": "x"}
        ).status_code
        == 400
    )


def test_the_briefing_page_lists_live_mandates(client, copenhagen, aarhus):
    innovation_in(copenhagen, "testing", title="I forsøg")
    signed_in(client, copenhagen.politician)
    page = client.get(reverse("committee_briefing", args=[copenhagen.committee.pk]))
    assert "I forsøg" in page.content.decode()
    signed_in(client, aarhus.politician)
    assert (
        client.get(reverse("committee_briefing", args=[copenhagen.committee.pk])).status_code == 404
    )
