"""A council sees its own Innovation Barometer beside the national figures.

The dataset is built by hand so every share has a known answer.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.utils import translation

from core.errors import PermissionDenied, ValidationFailed
from decisions.mandate import InvolvementActivity
from innovations.models import Innovation
from portfolio.barometer import (
    barometer_csv,
    national_barometer,
    national_figures,
    organisation_barometer,
    parse_period,
)

from ..catalogue_world import evaluation_of
from ..factories import DecisionFactory, InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The stories read the English messages; Danish is the default language."""
    with translation.override("en"):
        yield


START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 6, 30)


@pytest.fixture
def copenhagen_portfolio(copenhagen, aarhus):
    """Eight innovations of Copenhagen in the first half of 2026, and some that do not count."""
    kbh = copenhagen

    def innovation(**fields):
        fields.setdefault("committee", kbh.committee)
        fields.setdefault("collaborators", [])
        fields.setdefault("innovation_types", ["process"])
        return InnovationFactory(**fields)

    with time_machine.travel(datetime.datetime(2025, 6, 1, 10, tzinfo=datetime.UTC)):
        # finished before the period: not counted
        innovation(title="Afsluttet 2025", state="completed", shared=True)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)):
        origin = InnovationFactory(committee=aarhus.committee, shared=True, title="Aarhus' idé")
        reused = innovation(
            title="1 genbrug",
            reused_from=origin,
            collaborators=["citizens", "staff"],
            innovation_types=["service"],
            shared=True,
        )
        DecisionFactory(innovation=reused, transition="mandate", outcome="approved")
        evaluation_of(
            reused,
            kbh.official,
            effects={
                "quality": {"effect": "improved", "basis": "measured"},
                "efficiency": {"effect": "unchanged", "basis": "assessed"},
            },
        )
        together = innovation(
            title="2 samarbejde",
            collaborators=["companies"],
            innovation_types=["process", "communication"],
        )
        DecisionFactory(innovation=together, transition="mandate", outcome="approved_with_changes")
        evaluation_of(
            together,
            kbh.official,
            effects={"efficiency": {"effect": "worse", "basis": "assessed"}},
        )
    with time_machine.travel(datetime.datetime(2026, 4, 1, 10, tzinfo=datetime.UTC)):
        # the latest evaluation is the one that counts
        evaluation_of(
            together,
            kbh.official,
            effects={
                "quality": {"effect": "improved", "basis": "measured"},
                "efficiency": {"effect": "improved", "basis": "measured"},
            },
        )
        staff_only = innovation(title="3 kun medarbejdere", collaborators=["staff"])
        DecisionFactory(innovation=staff_only, transition="mandate", outcome="rejected")
        innovation(title="4 produkt", innovation_types=["product"], shared=True)
        for n in range(3):
            innovation(title=f"{5 + n} almindelig")
        innovation(title="8 stoppet i perioden", state="stopped")
    with time_machine.travel(datetime.datetime(2026, 8, 1, 10, tzinfo=datetime.UTC)):
        innovation(title="Efter perioden")
    return kbh


def test_the_shares_of_a_hand_built_portfolio(copenhagen_portfolio):
    # when a politician of Copenhagen opens the barometer for the first half of 2026
    barometer = organisation_barometer(
        copenhagen_portfolio.politician,
        organisation=copenhagen_portfolio.organisation,
        start=START,
        end=END,
    )

    # then eight innovations count, and each figure has its known answer
    assert barometer.total == 8
    shares = {f.key: (f.count, f.denominator, f.share) for f in barometer.figures}
    assert shares["reused"] == (1, 8, 12.5)
    assert shares["collaboration"] == (2, 8, 25.0)  # staff alone is not collaboration
    assert shares["political"] == (2, 8, 25.0)  # a rejected mandate does not count
    assert shares["evaluated"] == (2, 8, 25.0)
    assert shares["shared"] == (2, 8, 25.0)
    assert shares["with_citizens"] == (1, 8, 12.5)
    assert shares["with_companies"] == (1, 8, 12.5)
    assert shares["with_staff"] == (2, 8, 25.0)
    assert shares["with_research"] == (0, 8, 0.0)
    assert shares["type_process"] == (6, 8, 75.0)
    assert shares["type_service"] == (1, 8, 12.5)
    assert shares["type_product"] == (1, 8, 12.5)
    assert shares["type_communication"] == (1, 8, 12.5)
    assert shares["type_several"] == (1, 8, 12.5)
    # values achieved are counted among the evaluated, by the latest evaluation
    assert shares["value_quality"] == (2, 2, 100.0)
    assert shares["value_efficiency"] == (1, 2, 50.0)
    assert shares["value_democracy"] == (0, 2, 0.0)


def test_the_national_figures_stand_beside_with_their_edition(copenhagen_portfolio):
    barometer = organisation_barometer(
        copenhagen_portfolio.administrator,
        organisation=copenhagen_portfolio.organisation,
        start=START,
        end=END,
    )

    reused = barometer.figure("reused")
    assert (reused.national_share, reused.national_edition) == (73, "1")
    assert barometer.figure("type_process").national_share == 79
    assert barometer.figure("evaluated").national_share is None  # no published figure
    cited = {e["edition"]: e for e in barometer.editions()}
    assert set(cited) == {"1", "3"}
    assert cited["1"]["measured"] == "2013-2014"
    assert national_figures()["figures"]["collaboration"]["share"] == 79


def test_the_csv_holds_every_figure_with_the_national_one(copenhagen_portfolio):
    barometer = organisation_barometer(
        copenhagen_portfolio.administrator,
        organisation=copenhagen_portfolio.organisation,
        start=START,
        end=END,
    )

    rows = list(csv.reader(io.StringIO(barometer_csv(barometer, "rfc4180"))))

    by_key = {row[2]: row for row in rows[2:]}
    assert by_key["reused"][3:] == ["1", "8", "12.5", "73", "Innovationsbarometeret, 1st edition"]
    assert by_key["value_democracy"][5:7] == ["0.0", ""]


def test_an_empty_period_has_no_shares_rather_than_zero(copenhagen_portfolio):
    barometer = organisation_barometer(
        copenhagen_portfolio.politician,
        organisation=copenhagen_portfolio.organisation,
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2020, 12, 31),
    )
    assert barometer.total == 0
    assert barometer.figure("reused").share is None


def test_another_organisation_cannot_read_the_barometer(copenhagen_portfolio, aarhus):
    with pytest.raises(PermissionDenied):
        organisation_barometer(
            aarhus.administrator,
            organisation=copenhagen_portfolio.organisation,
            start=START,
            end=END,
        )


def test_a_superuser_sees_the_national_view_across_organisations(copenhagen_portfolio, aarhus):
    with pytest.raises(PermissionDenied):
        national_barometer(copenhagen_portfolio.administrator, start=START, end=END)
    superuser = UserFactory(organisation=None, role="", is_superuser=True, is_staff=True)

    barometer = national_barometer(superuser, start=START, end=END)

    assert barometer.total == 9  # Copenhagen's eight and Aarhus' shared idea
    assert barometer.figure("reused").count == 1
    rows = {row["organisation"]["code"]: row for row in barometer.per_organisation}
    assert rows["0101"]["total"] == 8
    assert rows["0101"]["reused"] == {"count": 1, "share": 12.5}
    assert rows["0751"]["shared"] == {"count": 1, "share": 100.0}
    assert "Aarhus" in barometer_csv(barometer)


def test_the_period_is_read_strictly():
    assert parse_period("2026-01-01", "2026-06-30") == (START, END)
    with pytest.raises(ValidationFailed) as error:
        parse_period("2026-07-01", "2026-06-30")
    assert "end" in error.value.errors
    with pytest.raises(ValidationFailed):
        parse_period("1. januar", "")


def test_the_query_count_does_not_grow_with_the_innovations(copenhagen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            organisation_barometer(
                copenhagen.administrator,
                organisation=copenhagen.organisation,
                start=START,
                end=datetime.date.today(),
            )
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            innovation = InnovationFactory(
                committee=copenhagen.committee, collaborators=["citizens"]
            )
            DecisionFactory(innovation=innovation, transition="mandate")
            evaluation_of(innovation, copenhagen.official)

    add(1)
    few = queries()
    add(5)
    assert queries() == few <= 2


def test_collaboration_counts_an_involvement_log_with_people_from_outside(copenhagen_portfolio):
    # given two ordinary innovations without collaborators: one whose involvement log holds a
    # workshop with citizens, one whose log holds only staff and managers
    ordinary = Innovation.objects.filter(
        organisation=copenhagen_portfolio.organisation, title__endswith="almindelig"
    ).order_by("title")
    with_citizens, staff_only = ordinary[0], ordinary[1]
    for innovation, participants in ((with_citizens, {"citizens": 12, "staff": 3}),
                                     (staff_only, {"staff": 8, "managers": 2})):  # fmt: skip
        InvolvementActivity.objects.create(
            innovation=innovation,
            phase="exploring",
            date=datetime.date(2026, 3, 2),
            form="workshop",
            title="Workshop om hverdagen",
            participants=participants,
            learned="Borgerne vil selv vælge tidspunktet.",
            recorded_at=datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC),
        )

    # when the barometer is read for the period
    barometer = organisation_barometer(
        copenhagen_portfolio.politician,
        organisation=copenhagen_portfolio.organisation,
        start=START,
        end=END,
    )

    # then the log with citizens counts as collaboration, the one with staff alone does not
    shares = {f.key: (f.count, f.denominator) for f in barometer.figures}
    assert shares["collaboration"] == (3, 8)
