"""Aarhus finds Copenhagen's shared innovation in the catalogue and reuses it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from notifications.models import Notification

from core.errors import NotFound, PermissionDenied, ValidationFailed
from innovations.catalogue import catalogue_entry
from innovations.models import Reuse, SharingEvent
from innovations.services import (
    reuse_innovation,
    set_reuse_naming,
    share_innovation,
    unshare_innovation,
)

from ..catalogue_world import shared_innovation
from ..factories import InnovationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The stories read the English messages; Danish is the default language."""
    with translation.override("en"):
        yield


@pytest.fixture
def origin(copenhagen):
    innovation = InnovationFactory(
        committee=copenhagen.committee,
        title="Skærmbesøg i hjemmeplejen",
        need="Mange korte besøg tager tid fra borgerne.",
        value_direction="Mere nærvær, færre kilometer.",
        solution="Videobesøg for borgere der ønsker det.",
        innovation_types=["service", "process"],
        intended_values=["quality", "efficiency"],
        kle_code="27.24.00",
        owner=copenhagen.official,
        collaborators=["citizens"],
        frame_budget=Decimal("750000"),
        frame_scope="Kun hjemmeplejen i Valby.",
        state="implementing",
    )
    return share_innovation(
        actor=copenhagen.administrator,
        innovation=innovation,
        contact_role="Innovationskonsulent, Sundhed og Omsorg",
    )


def test_an_official_reuses_a_shared_innovation(
    copenhagen, aarhus, origin, django_capture_on_commit_callbacks
):
    # when an official in Aarhus reuses it and agrees to be named
    with django_capture_on_commit_callbacks(execute=True):
        reuse = reuse_innovation(actor=aarhus.official, origin=origin, named=True)

    # then Aarhus has its own innovation in the phase need, with the shared fields copied
    reuse.refresh_from_db()
    assert reuse.organisation == aarhus.organisation
    assert reuse.state == "need"
    assert reuse.reused_from == origin
    assert reuse.title == "Skærmbesøg i hjemmeplejen"
    assert reuse.need == origin.need
    assert reuse.value_direction == "Mere nærvær, færre kilometer."
    assert reuse.solution == origin.solution
    assert reuse.innovation_types == ["service", "process"]
    assert reuse.intended_values == ["quality", "efficiency"]
    assert reuse.kle_code == "27.24.00"
    assert reuse.committee == aarhus.council  # until the official chooses the committee
    assert reuse.owner == aarhus.official and reuse.created_by == aarhus.official
    # and nothing that was not shared crosses over
    assert reuse.frame_budget is None and reuse.frame_scope == ""
    assert reuse.collaborators == [] and reuse.shared is False

    # and Copenhagen's administrators are told, by name because Aarhus agreed
    [notice] = Notification.objects.filter(recipient=copenhagen.administrator)
    assert notice.verb == "reused"
    assert notice.target == origin
    assert notice.description == "Aarhus reuses your shared innovation “Skærmbesøg i hjemmeplejen”."
    assert not Notification.objects.exclude(recipient=copenhagen.administrator).exists()

    # and the catalogue entry counts and names it
    entry = catalogue_entry(copenhagen.official, origin.pk)
    assert (entry.reuse_count, entry.named_reusers) == (1, ["Aarhus"])
    assert SharingEvent.objects.filter(innovation=origin, action="reused").count() == 1


def test_an_organisation_that_does_not_agree_stays_unnamed(
    copenhagen, aarhus, origin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reuse = reuse_innovation(
            actor=aarhus.administrator, origin=origin, committee=aarhus.committee
        )

    [notice] = Notification.objects.filter(recipient=copenhagen.administrator)
    assert "Aarhus" not in notice.description
    assert notice.actor == origin  # not the reusing organisation either
    assert notice.description.startswith("Another organisation reuses")
    entry = catalogue_entry(copenhagen.official, origin.pk)
    assert (entry.reuse_count, entry.named_reusers) == (1, [])

    # until Aarhus' administrator agrees to be named
    set_reuse_naming(actor=aarhus.administrator, innovation=reuse, named=True)
    assert catalogue_entry(copenhagen.official, origin.pk).named_reusers == ["Aarhus"]
    with pytest.raises(PermissionDenied):
        set_reuse_naming(actor=aarhus.official, innovation=reuse, named=False)
    with pytest.raises(NotFound):
        set_reuse_naming(actor=copenhagen.administrator, innovation=reuse, named=False)


def test_reuse_counts_on_both_organisations_portfolio(copenhagen, aarhus, origin):
    from portfolio.selectors import portfolio

    reuse_innovation(actor=aarhus.official, origin=origin)

    assert portfolio(copenhagen.administrator)["reused"] == {"from_others": 0, "by_others": 1}
    assert portfolio(aarhus.administrator)["reused"] == {"from_others": 1, "by_others": 0}


def test_who_may_reuse_what(copenhagen, aarhus, origin):
    # politicians and secretaries do not reuse; officials and administrators do
    for person in (aarhus.politician, aarhus.secretary):
        with pytest.raises(PermissionDenied):
            reuse_innovation(actor=person, origin=origin)
    # one's own organisation's innovation is not reused
    with pytest.raises(ValidationFailed):
        reuse_innovation(actor=copenhagen.official, origin=origin)
    # an innovation that is not shared cannot be reused, nor even found
    hidden = InnovationFactory(committee=copenhagen.committee)
    with pytest.raises(NotFound):
        reuse_innovation(actor=aarhus.official, origin=hidden)
    # the committee must be the reusing organisation's own
    with pytest.raises(ValidationFailed) as error:
        reuse_innovation(actor=aarhus.official, origin=origin, committee=copenhagen.committee)
    assert "committee" in error.value.errors
    assert not Reuse.objects.exists()


def test_an_organisation_reuses_an_innovation_once(aarhus, origin):
    reuse_innovation(actor=aarhus.official, origin=origin)

    with pytest.raises(ValidationFailed) as error:
        reuse_innovation(actor=aarhus.administrator, origin=origin)

    assert "already reuses" in str(error.value)
    assert Reuse.objects.filter(organisation=aarhus.organisation).count() == 1


def test_unsharing_keeps_the_reuse_but_no_one_else_can_reuse(copenhagen, aarhus, origin):
    reuse = reuse_innovation(actor=aarhus.official, origin=origin)
    unshare_innovation(actor=copenhagen.administrator, innovation=origin)

    reuse.refresh_from_db()
    assert reuse.reused_from_id == origin.pk
    other = shared_innovation(copenhagen, title="Noget andet")
    with pytest.raises(NotFound):
        reuse_innovation(actor=aarhus.administrator, origin=origin)
    assert reuse_innovation(actor=aarhus.administrator, origin=other).reused_from == other
