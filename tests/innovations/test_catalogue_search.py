"""Anyone signed in browses and searches the catalogue of shared innovations, in Danish."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.errors import NotFound, PermissionDenied, ValidationFailed
from innovations.catalogue import CatalogueFilters, catalogue, catalogue_entry, search_catalogue
from innovations.models import Reuse, SharingEvent
from innovations.services import reuse_innovation, share_innovation, unshare_innovation

from ..catalogue_world import evaluation_of, shared_innovation
from ..conftest import build_municipality
from ..factories import InnovationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The stories read the English messages; Danish is the default language."""
    with translation.override("en"):
        yield


def titles(found) -> list[str]:
    return [entry.title for entry in found]


def test_a_search_for_aeldrepleje_finds_a_title_with_aeldreplejen(copenhagen, aarhus):
    # given Copenhagen shared an innovation about the care of the elderly
    shared_innovation(copenhagen, title="Velfærdsteknologi i ældreplejen", need="Ventetid.")
    shared_innovation(copenhagen, title="Cykelstier til skolen", need="Utrygge skoleveje.")

    # when a person in Aarhus searches for the uninflected word
    found = search_catalogue(aarhus.politician, CatalogueFilters(q="ældrepleje"))

    # then the inflected title is found, with the match highlighted
    assert titles(found) == ["Velfærdsteknologi i ældreplejen"]
    assert "<mark>ældreplejen</mark>" in found[0].title_highlight
    # and so does another inflection, which no plain substring match would find
    genitive = search_catalogue(aarhus.politician, CatalogueFilters(q="ældreplejens"))
    assert titles(genitive) == ["Velfærdsteknologi i ældreplejen"]
    assert "<mark>ældreplejen</mark>" in genitive[0].title_highlight


def test_a_part_of_a_compound_word_finds_the_compound(copenhagen, aarhus):
    # Danish joins words: "pleje" is inside "hjemmeplejen", which no stemmer splits
    shared_innovation(copenhagen, title="Skærmbesøg i hjemmeplejen", need="Færre kørsler.")
    shared_innovation(aarhus, title="Sensorer", need="Nattevagter i plejeboliger.")
    shared_innovation(aarhus, title="Cykelstier", need="Sikre skoleveje.")

    found = search_catalogue(copenhagen.politician, CatalogueFilters(q="pleje"))

    assert titles(found) == ["Skærmbesøg i hjemmeplejen", "Sensorer"]
    assert found[0].title_highlight == "Skærmbesøg i hjemme<mark>pleje</mark>n"
    assert "<mark>pleje</mark>boliger" in found[1].body_highlight


def test_a_title_match_ranks_above_a_body_match(copenhagen, aarhus):
    # given one innovation mentions "genoptræning" in its need, another in its title
    shared_innovation(
        copenhagen,
        title="Robotter på plejecentre",
        need="Borgere venter på genoptræning efter hospitalet.",
    )
    shared_innovation(aarhus, title="Digital genoptræning", need="Lange ventelister.")

    found = search_catalogue(copenhagen.official, CatalogueFilters(q="genoptræning"))

    # then the title match comes first, and both show where they matched
    assert titles(found) == ["Digital genoptræning", "Robotter på plejecentre"]
    assert found[0].rank > found[1].rank
    assert "<mark>genoptræning</mark>" in found[1].body_highlight


def test_highlights_never_pass_through_html_the_organisation_wrote(copenhagen, aarhus):
    shared_innovation(
        copenhagen,
        title="<script>alert(1)</script> Ældrepleje",
        need="<b>fed</b> ældrepleje",
    )

    [entry] = search_catalogue(aarhus.official, CatalogueFilters(q="ældrepleje"))

    assert "<script>" not in entry.title_highlight
    assert "&lt;script&gt;" in entry.title_highlight
    assert "<b>" not in entry.body_highlight
    assert "<mark>" in entry.title_highlight


def test_filters_by_type_value_phase_region_and_evaluation(copenhagen, aarhus):
    # given innovations in Copenhagen (Region Hovedstaden) and Aarhus (Region Midtjylland)
    service = shared_innovation(
        copenhagen, title="Service", innovation_types=["service"], intended_values=["quality"]
    )
    process = shared_innovation(
        aarhus,
        title="Proces",
        innovation_types=["process", "communication"],
        intended_values=["efficiency"],
        state="testing",
    )
    evaluation_of(process, aarhus.official)
    person = copenhagen.politician

    def found(**filters) -> list[str]:
        return titles(search_catalogue(person, CatalogueFilters(**filters)))

    assert sorted(found()) == ["Proces", "Service"]
    assert found(innovation_type="communication") == ["Proces"]
    assert found(value="quality") == ["Service"]
    assert found(phase="testing") == ["Proces"]
    assert found(region="1082") == ["Proces"]
    assert found(region="1084") == ["Service"]
    assert found(evaluated=True) == ["Proces"]
    assert found(evaluated=False) == ["Service"]
    assert service.pk != process.pk


def test_filters_from_query_parameters_ignore_what_is_not_a_choice():
    filters = CatalogueFilters.from_params(
        {"q": " ro\x00bot ", "innovation_type": "nonsense", "phase": "testing", "evaluated": "yes"}
    )
    assert filters == CatalogueFilters(q="robot", phase="testing", evaluated=True)


def test_an_unshared_innovation_is_not_in_the_catalogue_and_unsharing_removes_it_at_once(
    copenhagen, aarhus
):
    InnovationFactory(committee=copenhagen.committee, title="Hemmelig ældrepleje")
    shared = shared_innovation(copenhagen, title="Delt ældrepleje")
    person = aarhus.official
    assert titles(search_catalogue(person, CatalogueFilters(q="ældrepleje"))) == ["Delt ældrepleje"]

    # when the administrator unshares it
    unshare_innovation(actor=copenhagen.administrator, innovation=shared)

    # then it is gone from the list, the search and the entry page, and the log says who
    assert search_catalogue(person) == []
    assert search_catalogue(person, CatalogueFilters(q="ældrepleje")) == []
    assert catalogue_entry(person, shared.pk) is None
    assert list(
        SharingEvent.objects.filter(innovation=shared).values_list("action", flat=True)
    ) == [
        "unshared",
        "shared",
    ]


def test_only_an_administrator_of_the_organisation_shares(copenhagen, aarhus):
    innovation = InnovationFactory(committee=copenhagen.committee)

    with pytest.raises(PermissionDenied):
        share_innovation(actor=copenhagen.official, innovation=innovation, contact_role="Konsulent")
    with pytest.raises(NotFound):
        share_innovation(actor=aarhus.administrator, innovation=innovation, contact_role="x")
    with pytest.raises(ValidationFailed) as error:
        share_innovation(actor=copenhagen.administrator, innovation=innovation)
    assert "contact_role" in error.value.errors
    innovation.refresh_from_db()
    assert innovation.shared is False


def test_sharing_again_without_changes_writes_nothing(copenhagen):
    innovation = shared_innovation(copenhagen, title="Delt")
    share_innovation(actor=copenhagen.administrator, innovation=innovation)
    share_innovation(
        actor=copenhagen.administrator, innovation=innovation, shared_summary="Halveret ventetid."
    )
    assert list(
        SharingEvent.objects.filter(innovation=innovation).values_list("action", flat=True)
    ) == ["changed", "shared"]


def test_the_entry_shows_reuse_count_and_only_the_organisations_that_agree_to_be_named(
    copenhagen, aarhus
):
    origin = shared_innovation(copenhagen, title="Madspild i kantiner")
    odense = build_municipality("0461", "ode")
    reuse_innovation(actor=aarhus.official, origin=origin, named=True)
    reuse_innovation(actor=odense.administrator, origin=origin, named=False)

    entry = catalogue_entry(aarhus.politician, origin.pk)

    assert entry.reuse_count == 2
    assert entry.named_reusers == ["Aarhus"]
    assert Reuse.objects.filter(origin=origin).count() == 2


def test_the_entry_summarises_the_evaluation_without_its_texts(copenhagen, aarhus):
    origin = shared_innovation(copenhagen, title="Skærmbesøg", intended_values=["quality"])
    evaluation_of(
        origin,
        copenhagen.official,
        effects={"quality": {"effect": "improved", "basis": "measured", "text": "fortrolig note"}},
        learning="fortrolig læring",
        spreading="recommended",
    )

    entry = catalogue_entry(aarhus.official, origin.pk)

    assert entry.evaluated is True
    assert entry.evaluation.effects == {"quality": {"effect": "improved", "basis": "measured"}}
    assert entry.evaluation.spreading == "recommended"
    assert "fortrolig" not in repr(entry.as_dict())


def test_a_person_who_is_not_signed_in_sees_nothing(copenhagen):
    from django.contrib.auth.models import AnonymousUser

    shared_innovation(copenhagen)
    assert search_catalogue(AnonymousUser()) == []


def test_the_query_count_does_not_grow_with_the_entries(copenhagen, aarhus):
    def queries_for_listing() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = list(catalogue(aarhus.official, CatalogueFilters(q="ældreplejen")))
            from innovations.catalogue import entries

            entries(aarhus.official, rows, q="ældreplejen")
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            innovation = shared_innovation(copenhagen)
            evaluation_of(innovation, copenhagen.official)
            reuse_innovation(actor=aarhus.official, origin=innovation, named=True)

    add(2)
    few = queries_for_listing()
    add(6)
    many = queries_for_listing()
    assert few == many
    assert many <= 3


def test_the_search_follows_a_changed_title_at_once(copenhagen, aarhus):
    from innovations.services import update_innovation

    innovation = shared_innovation(copenhagen, title="Madspild i kantinerne")
    update_innovation(
        actor=copenhagen.administrator, innovation=innovation, title="Robotstøvsugere"
    )

    def found(q: str) -> list[str]:
        return titles(search_catalogue(aarhus.official, CatalogueFilters(q=q)))

    assert found("robotstøvsuger") == ["Robotstøvsugere"]
    assert found("madspild") == []
