"""The catalogue search as a person types it: a whole word above the same letters inside
another word, and ae/oe/aa for æ/ø/å."""

from __future__ import annotations

import pytest

from innovations.catalogue import CatalogueFilters, search_catalogue, with_danish_letters

from ..catalogue_world import shared_innovation

pytestmark = pytest.mark.django_db


def titles(found) -> list[str]:
    return [entry.title for entry in found]


def test_aeldre_ranks_whole_words_and_compounds_above_foraeldre(copenhagen, aarhus):
    shared_innovation(copenhagen, title="Forældresamtaler på video", need="Travle forældre.")
    shared_innovation(copenhagen, title="Træning i hjemmet", need="Ældre borgere vil træne hjemme.")
    shared_innovation(copenhagen, title="Velfærdsteknologi i ældreplejen", need="Ventetid.")

    found = titles(search_catalogue(aarhus.politician, CatalogueFilters(q="ældre")))

    assert found.index("Forældresamtaler på video") == len(found) - 1
    assert set(found[:2]) == {"Træning i hjemmet", "Velfærdsteknologi i ældreplejen"}


def test_the_web_page_lists_them_in_that_order(client, copenhagen, aarhus):
    infix = shared_innovation(
        copenhagen, title="Forældresamtaler på video", need="Travle forældre."
    )
    word = shared_innovation(
        copenhagen, title="Træning i hjemmet", need="Ældre borgere vil træne hjemme."
    )
    client.force_login(aarhus.politician)
    html = client.get("/catalogue/", {"q": "ældre"}).content.decode()
    assert html.index(f'href="/catalogue/{word.pk}/"') < html.index(
        f'href="/catalogue/{infix.pk}/"'
    )


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("aeldre", "ældre"), ("boern", "børn"), ("Aarhus", "Århus"), ("AELDRE", "ÆLDRE")],
)
def test_ae_oe_aa_read_as_the_danish_letters(typed, meant):
    assert with_danish_letters(typed) == meant


def test_a_search_without_the_danish_letters_finds_them(copenhagen, aarhus):
    shared_innovation(copenhagen, title="Læsevenner for børn", need="Børn læser for lidt.")
    shared_innovation(copenhagen, title="Ældre i bevægelse", need="Ensomhed blandt ældre.")
    shared_innovation(copenhagen, title="Cykelstier", need="Utrygge skoleveje.")

    assert titles(search_catalogue(aarhus.politician, CatalogueFilters(q="boern"))) == [
        "Læsevenner for børn"
    ]
    assert titles(search_catalogue(aarhus.politician, CatalogueFilters(q="aeldre"))) == [
        "Ældre i bevægelse"
    ]
