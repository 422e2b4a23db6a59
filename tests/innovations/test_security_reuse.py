"""Reuse leaks nothing the reuser did not see, and names no reuser without its consent.

Copenhagen shares an innovation, Aarhus reuses it. Afterwards Copenhagen changes the title and
takes the innovation out of the catalogue: Aarhus' pages keep showing what Aarhus saw when it
reused (a snapshot of the catalogue entry's fields), never the live, now private row. And
Copenhagen's administrators see in ``/admin/`` who reused it only when the reuser agreed to be
named, as in the catalogue.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from innovations.models import Innovation, Reuse
from innovations.services import (
    reuse_innovation,
    set_reuse_naming,
    share_innovation,
    unshare_innovation,
    update_innovation,
)

from ..factories import InnovationFactory

pytestmark = pytest.mark.django_db

SEEN_TITLE = "Skærmbesøg i hjemmeplejen"
LATER_TITLE = "HEMMELIG-NY-TITEL efter genbrug"


def browser(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def staff(person, *codenames: str):
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    person.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return person


@pytest.fixture
def origin(copenhagen):
    innovation = InnovationFactory(
        committee=copenhagen.committee,
        title=SEEN_TITLE,
        need="Mange korte besøg tager tid fra borgerne.",
        owner=copenhagen.official,
    )
    return share_innovation(
        actor=copenhagen.administrator,
        innovation=innovation,
        contact_role="Innovationskonsulent, Sundhed og Omsorg",
        shared_summary="Videobesøg for borgere der ønsker det.",
    )


@pytest.fixture
def reuse(aarhus, origin) -> Innovation:
    return reuse_innovation(actor=aarhus.official, origin=origin, named=False)


def test_the_reuse_keeps_a_snapshot_of_what_the_reuser_saw(aarhus, origin, reuse):
    snapshot = Reuse.objects.get(innovation=reuse).snapshot
    assert snapshot["title"] == SEEN_TITLE
    assert snapshot["shared_summary"] == "Videobesøg for borgere der ønsker det."
    assert snapshot["contact_role"] == "Innovationskonsulent, Sundhed og Omsorg"
    assert snapshot["organisation_name"] == origin.organisation.name
    assert "owner" not in snapshot and "frame_budget" not in snapshot


def test_after_the_origin_changes_and_unshares_the_reuser_sees_only_the_snapshot(
    copenhagen, aarhus, origin, reuse
):
    update_innovation(actor=copenhagen.official, innovation=origin, title=LATER_TITLE)
    sharing_page = reverse("innovation_sharing", args=[reuse.pk])
    page = browser(aarhus.administrator).get(sharing_page).content.decode()
    assert SEEN_TITLE in page and LATER_TITLE not in page

    unshare_innovation(actor=copenhagen.administrator, innovation=origin)

    page = browser(aarhus.administrator).get(sharing_page).content.decode()
    assert SEEN_TITLE in page
    assert LATER_TITLE not in page
    assert reverse("catalogue_entry", args=[origin.pk]) not in page
    for path in (
        reverse("innovation_detail", args=[reuse.pk]),
        reverse("innovation_list"),
        f"/api/v1/innovations/{reuse.pk}/",
    ):
        assert LATER_TITLE not in browser(aarhus.official).get(path).content.decode(), path


def test_the_reusers_admin_shows_the_snapshot_not_the_live_origin(
    copenhagen, aarhus, origin, reuse
):
    update_innovation(actor=copenhagen.official, innovation=origin, title=LATER_TITLE)
    unshare_innovation(actor=copenhagen.administrator, innovation=origin)
    admin = browser(staff(aarhus.administrator, "view_reuse"))
    listing = admin.get(reverse("admin:innovations_reuse_changelist")).content.decode()
    assert SEEN_TITLE in listing and LATER_TITLE not in listing
    registration = Reuse.objects.get(innovation=reuse)
    detail = admin.get(reverse("admin:innovations_reuse_change", args=[registration.pk]))
    assert detail.status_code == 200
    assert LATER_TITLE not in detail.content.decode()


def test_the_origins_admin_names_no_reuser_without_consent(copenhagen, aarhus, origin, reuse):
    admin = browser(staff(copenhagen.administrator, "view_reuse", "view_sharingevent"))
    registration = Reuse.objects.get(innovation=reuse)

    pages = [
        admin.get(reverse("admin:innovations_reuse_changelist")),
        admin.get(reverse("admin:innovations_reuse_change", args=[registration.pk])),
        admin.get(reverse("admin:innovations_sharingevent_changelist")),
    ]
    for page in pages:
        text = page.content.decode()
        assert aarhus.organisation.name not in text
        assert aarhus.official.get_full_name() not in text
        assert aarhus.official.username not in text

    # once Aarhus agrees to be named, its name is shown (its people still are not)
    set_reuse_naming(actor=aarhus.administrator, innovation=reuse, named=True)
    listing = admin.get(reverse("admin:innovations_reuse_changelist")).content.decode()
    assert aarhus.organisation.name in listing
    assert aarhus.official.username not in listing
