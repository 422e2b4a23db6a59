"""Nothing unshared ever leaks from the catalogue.

A generated population of shared and unshared innovations across three municipalities
carries sentinel strings in everything that must stay inside its organisation: the whole of
an unshared innovation, and the unshared fields of a shared one (frame, stop texts, owner,
evaluation texts, decisions, documents, status reports). No catalogue listing, search,
entry, API response, page or export may contain a sentinel, whoever asks and whatever they
search for.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from innovations.catalogue import CatalogueFilters, search_catalogue
from innovations.models import (
    Document,
    Evaluation,
    InnovationType,
    Reuse,
    State,
    StatusReport,
    Value,
)
from innovations.services import reuse_innovation, share_innovation, unshare_innovation
from portfolio.barometer import barometer_csv, national_barometer, parse_period

from ..conftest import build_municipality
from ..factories import DecisionFactory, InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db

SENTINEL = "XLEAKX"
BUDGET = Decimal("987654.32")
WORDS = ["ældreplejen", "genoptræning", "robotter", "skolevejen", "madspild", "borgerne"]


@dataclasses.dataclass(frozen=True)
class Spec:
    organisation: int
    shared: bool
    unshared_later: bool
    state: str
    word: str
    types: list[str]
    values: list[str]
    evaluated: bool
    reused_by: int | None
    named: bool


specs = st.builds(
    Spec,
    organisation=st.integers(0, 2),
    shared=st.booleans(),
    unshared_later=st.booleans(),
    state=st.sampled_from(State.values),
    word=st.sampled_from(WORDS),
    types=st.lists(st.sampled_from(InnovationType.values), max_size=3, unique=True),
    values=st.lists(st.sampled_from(Value.values), max_size=3, unique=True),
    evaluated=st.booleans(),
    reused_by=st.one_of(st.none(), st.integers(0, 2)),
    named=st.booleans(),
)


@pytest.fixture
def world(copenhagen, aarhus):
    odense = build_municipality("0461", "ode")
    municipalities = [copenhagen, aarhus, odense]
    for m in municipalities:
        for person in (m.politician, m.official, m.administrator):
            person.language = "en"
            person.save(update_fields=["language"])
    superuser = UserFactory(organisation=None, role="", is_superuser=True, language="en")
    owner = UserFactory(first_name=f"{SENTINEL}OWNER", organisation=copenhagen.organisation)
    return municipalities, superuser, owner


def build(spec: Spec, n: int, municipalities, owner) -> tuple[int, bool]:
    """Create one innovation as the spec says; return its id and whether it is shared."""
    home = municipalities[spec.organisation]
    secret = f"{SENTINEL}UNSHARED{n}"
    innovation = InnovationFactory(
        committee=home.committee,
        state=spec.state,
        title=f"{spec.word} {secret if not spec.shared else f'delt {n}'}",
        need=f"Borgerne og {spec.word}" + ("" if spec.shared else f" {secret}"),
        value_direction="Mere nærvær" + ("" if spec.shared else f" {secret}"),
        solution=f"Løsning {n}" + ("" if spec.shared else f" {secret}"),
        innovation_types=spec.types,
        intended_values=spec.values,
        frame_budget=BUDGET,
        frame_scope=f"{SENTINEL}FRAME",
        stop_reason=f"{SENTINEL}STOPREASON",
        stop_learning=f"{SENTINEL}STOPLEARNING",
        owner=owner if home.organisation == owner.organisation else home.official,
        created_by=home.secretary,
        collaborators=["citizens"],
    )
    DecisionFactory(innovation=innovation, resolution=f"{SENTINEL}DECISION")
    Document.objects.create(
        innovation=innovation,
        title=f"{SENTINEL}DOCUMENT",
        link="https://esdh.example.dk/sag/1",
        uploaded_by=home.official,
        uploaded_at=timezone.now(),
    )
    StatusReport.objects.create(
        innovation=innovation,
        assessment="at_risk",
        summary=f"{SENTINEL}STATUS",
        submitted_by=home.official,
        submitted_at=timezone.now(),
    )
    if spec.evaluated:
        Evaluation.objects.create(
            innovation=innovation,
            method="internal",
            effects={
                v: {"effect": "improved", "basis": "measured", "text": f"{SENTINEL}EFFECT"}
                for v in spec.values
            },
            learning=f"{SENTINEL}LEARNING",
            recommendation=f"{SENTINEL}RECOMMENDATION",
            submitted_by=home.official,
            submitted_at=timezone.now(),
        )
    if not spec.shared:
        return innovation.pk, False
    share_innovation(
        actor=home.administrator, innovation=innovation, contact_role="Innovationskonsulent"
    )
    if spec.reused_by is not None and spec.reused_by != spec.organisation:
        reuse_innovation(
            actor=municipalities[spec.reused_by].official, origin=innovation, named=spec.named
        )
    if spec.unshared_later:
        unshare_innovation(actor=home.administrator, innovation=innovation)
        return innovation.pk, False
    return innovation.pk, True


def assert_clean(text: str, where: str) -> None:
    assert SENTINEL not in text, f"a sentinel leaked in {where}: {text[:2000]}"
    assert "987654" not in text, f"the unshared budget leaked in {where}"


@pytest.mark.fuzz  # a property test: hypothesis generates the populations
def test_no_output_of_the_catalogue_contains_anything_unshared(world):
    municipalities, superuser, owner = world
    viewers = [m.politician for m in municipalities] + [municipalities[1].official, superuser]

    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(population=st.lists(specs, min_size=1, max_size=6), viewer_index=st.integers(0, 4))
    def check(population, viewer_index):
        with transaction.atomic():
            built = [build(spec, n, municipalities, owner) for n, spec in enumerate(population)]
            shared_ids = {pk for pk, shared in built if shared}
            viewer = viewers[viewer_index]
            named_ok = set(
                Reuse.objects.filter(named=True).values_list("organisation__name", flat=True)
            )

            with translation.override("en"):
                # the selectors: listing and every search, as entries
                everything = search_catalogue(viewer)
                assert {e.id for e in everything} == shared_ids
                for entry in everything:
                    assert set(entry.named_reusers) <= named_ok
                    assert_clean(repr(entry.as_dict()), f"entry {entry.id}")
                for q in [*WORDS, SENTINEL, f"{SENTINEL}UNSHARED0", "FRAME", "987654.32"]:
                    found = search_catalogue(viewer, CatalogueFilters(q=q))
                    assert {e.id for e in found} <= shared_ids
                    assert_clean(repr([e.as_dict() for e in found]), f"search {q!r}")

            # the API
            api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
            api.force_authenticate(viewer)
            listing = api.get("/api/v1/catalogue/", {"page_size": 200})
            assert listing.status_code == 200
            assert {e["id"] for e in listing.json()["results"]} == shared_ids
            assert_clean(listing.content.decode(), "GET /api/v1/catalogue/")
            for q in (WORDS[0], SENTINEL):
                response = api.get("/api/v1/catalogue/", {"q": q})
                assert_clean(response.content.decode(), f"GET /api/v1/catalogue/?q={q}")
            for pk, shared in built:
                response = api.get(f"/api/v1/catalogue/{pk}/")
                assert response.status_code == (200 if shared else 404)
                assert_clean(response.content.decode(), f"GET /api/v1/catalogue/{pk}/")

            # the pages
            browser = Client()
            browser.force_login(viewer)
            page = browser.get("/catalogue/")
            assert page.status_code == 200
            assert_clean(page.content.decode(), "/catalogue/")
            assert_clean(browser.get("/catalogue/", {"q": WORDS[0]}).content.decode(), "search")
            for pk, shared in built:
                response = browser.get(f"/catalogue/{pk}/")
                assert response.status_code == (200 if shared else 404)
                assert_clean(response.content.decode(), f"/catalogue/{pk}/")
            # the entry page links to no innovation of another organisation but its own
            linked = set(map(int, re.findall(r'href="/innovations/(\d+)/', page.content.decode())))
            assert not linked

            # the national export, which spans organisations
            start, end = parse_period("2000-01-01", timezone.localdate().isoformat())
            assert_clean(barometer_csv(national_barometer(superuser, start=start, end=end)), "csv")

            transaction.set_rollback(True)

    check()
