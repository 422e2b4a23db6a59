"""The demo of what politicians do, built by ``seed_demo`` through the services, as the
person who would act: a member proposal in Aarhus, a request from Odense to examine reusing
an innovation Aarhus shares (examined and before the committee) and one from Region
Midtjylland still waiting, followers (also of another organisation's shared innovation),
and the briefings of the committees' new members of the term 2026-2029. The committee's
report of the last term is read from the history the demo already holds (2022-2025).

Idempotent by natural keys: what exists is left as it is.
"""

from __future__ import annotations

import datetime

from innovations.models import Innovation, State
from organisations.models import Committee, Membership, User
from politics import services
from politics.models import MemberProposal, ReuseRequest
from reminders import following

PROPOSAL_TITLE = "Skygge og grønt i skolegårdene"


def _member_of(committee: Committee, day: datetime.date) -> User | None:
    seat = (
        Membership.objects.valid_on(day)
        .filter(committee=committee, role__in=services.POLITICAL_SEATS)
        .select_related("person")
        .order_by("role", "person__username")
        .first()
    )
    return seat.person if seat else None


def _standing(organisation_code: str) -> list[Committee]:
    return list(
        Committee.objects.filter(organisation__code=organisation_code, is_council=False).order_by(
            "name"
        )
    )


def seed(*, today: datetime.date) -> None:
    aarhus = _standing("0751")
    odense = _standing("0461")
    midt = _standing("1082")
    if not (aarhus and odense and midt):
        return

    # A member proposal of an Aarhus politician, on the agenda of the committee's next meeting.
    children = next((c for c in aarhus if c.name.startswith("Børn")), aarhus[0])
    proposer = _member_of(children, today)
    if proposer and not MemberProposal.objects.filter(innovation__title=PROPOSAL_TITLE).exists():
        services.raise_member_proposal(
            actor=proposer,
            committee=children,
            title=PROPOSAL_TITLE,
            need=(
                "Flere skolegårde er asfalt fra hegn til hegn. På varme dage er der ingen "
                "skygge, og børnene har ingen grønne steder at lege og lære."
            ),
            proposal=(
                "Udvalget beder forvaltningen undersøge, sammen med elever, forældre og "
                "skolebestyrelser, hvordan skolegårdene kan give skygge, grønt og plads til leg, "
                "og vende tilbage med et forslag til forsøg."
            ),
        )

    shared = list(
        Innovation.objects.filter(organisation__code="0751", shared=True).order_by("title")
    )
    # From Odense: a request examined by the administration and now before the committee.
    odense_committee = odense[0]
    odense_politician = _member_of(odense_committee, today)
    odense_official = User.objects.filter(username="odense-embedsmand").first()
    reused = set(
        Innovation.objects.filter(organisation__code="0461", reused_from__isnull=False).values_list(
            "reused_from_id", flat=True
        )
    )
    candidates = [i for i in shared if i.pk not in reused]
    if (
        odense_politician
        and odense_official
        and candidates
        and not ReuseRequest.objects.filter(organisation__code="0461").exists()
    ):
        request = services.request_reuse_examination(
            actor=odense_politician,
            origin=candidates[0],
            committee=odense_committee,
            reason=(
                "Aarhus har gode erfaringer; vi har samme udfordring og kunne spare udviklingen."
            ),
        )
        services.start_reuse_examination(actor=odense_official, request=request)
        services.submit_reuse_examination(
            actor=odense_official,
            request=request,
            examination=(
                "Løsningen passer til vores organisering. Det kræver en tilpasning af "
                "arbejdsgangene og inddragelse af medarbejderne; udgiften kan holdes i "
                "den eksisterende ramme."
            ),
        )
    # From Region Midtjylland: a request still waiting for the administration.
    midt_committee = midt[0]
    midt_politician = _member_of(midt_committee, today)
    elsewhere = list(
        Innovation.objects.filter(shared=True)
        .exclude(organisation__code="1082")
        .exclude(pk__in=[c.pk for c in candidates[:1]])
        .order_by("title")
    )
    if (
        midt_politician
        and elsewhere
        and not ReuseRequest.objects.filter(organisation__code="1082").exists()
    ):
        services.request_reuse_examination(
            actor=midt_politician,
            origin=elsewhere[0],
            committee=midt_committee,
            reason="Kan løsningen bruges i regionens sundhedshuse?",
        )

    # Followers: each organisation's politician follows a few of its innovations, and
    # Odense's follows a shared one of Aarhus.
    for code, slug in (("0751", "aarhus"), ("0461", "odense"), ("1082", "midtjylland")):
        politician = User.objects.filter(username=f"{slug}-politiker").first()
        if politician is None:
            continue
        for innovation in Innovation.objects.filter(
            organisation__code=code, state__in=[State.EXPLORING, State.TESTING]
        ).order_by("title")[:2]:
            following.follow_innovation(actor=politician, innovation=innovation)
        if code == "0461" and shared:
            following.follow_innovation(actor=politician, innovation=shared[0])

    # The briefings of the term's new members.
    services.send_briefings(on=today)
