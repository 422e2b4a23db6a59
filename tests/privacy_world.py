"""People of Aarhus with a history in Spor, for the privacy stories: a committee secretary,
and a politician who follows, proposes, asks to examine reuse and was briefed."""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.utils import timezone
from notifications.models import Notification

from decisions.models import Decision
from innovations.models import Innovation
from organisations.models import Membership, User
from organisations.services import electoral_term_start
from politics.models import Briefing, MemberProposal, ReuseRequest
from politics.services import (
    raise_member_proposal,
    request_reuse_examination,
    start_reuse_examination,
    submit_reuse_examination,
)
from reminders.following import follow_innovation
from reminders.models import Checkpoint, Follow, FollowNotice, Reminder
from reminders.services import create_checkpoint

from .catalogue_world import shared_innovation
from .factories import DecisionFactory, InnovationFactory
from .lifecycle import raise_need, record


@dataclasses.dataclass
class History:
    person: User
    innovation: Innovation
    decision: Decision
    checkpoint: Checkpoint
    notification: Notification
    reminder: Reminder


def secretary_with_history(town) -> History:
    person = town.secretary
    person.first_name, person.last_name = "Karen", "Sekretærsen"
    person.email = "karen.privat@example.dk"
    person.title = "Udvalgssekretær, Sundhed"
    person.save(update_fields=["first_name", "last_name", "email", "title"])
    innovation = InnovationFactory(
        committee=town.committee, title="Skærmbesøg i hjemmeplejen", created_by=person
    )
    decision = DecisionFactory(innovation=innovation, meeting=town.meeting, recorded_by=person)
    checkpoint = create_checkpoint(
        actor=person,
        innovation=innovation,
        kind="follow_up",
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        title="Status på skærmbesøg",
    )
    notification = Notification.objects.create(
        recipient=person,
        actor_content_type=ContentType.objects.get_for_model(Innovation),
        actor_object_id=str(innovation.pk),
        verb="Opfølgning om 14 dage",
        description="Status på skærmbesøg",
    )
    reminder = Reminder.objects.create(
        checkpoint=checkpoint,
        recipient=person,
        stage="before-14",
        scheduled_for=timezone.now(),
        created_at=timezone.now(),
        notified_at=timezone.now(),
        email_status="sent",
    )
    return History(person, innovation, decision, checkpoint, notification, reminder)


@dataclasses.dataclass
class PoliticianHistory:
    person: User
    followed: Innovation
    follow: Follow
    notice: FollowNotice
    proposal: MemberProposal
    reuse_request: ReuseRequest
    briefing: Briefing


def politician_with_history(town, other_town) -> PoliticianHistory:
    """A politician of ``town`` who follows an innovation and was told of its mandate, made a
    member proposal, asked to examine reusing an innovation of ``other_town`` (the town's
    official examined it) and was briefed as a new member of the committee."""
    person = town.politician
    person.first_name, person.last_name = "Poul", "Politikersen"
    person.email = "poul.privat@example.dk"
    person.save(update_fields=["first_name", "last_name", "email"])
    followed = raise_need(town, title="Genoptræning i eget hjem")
    follow = follow_innovation(actor=person, innovation=followed)
    record(town, followed, "mandate", apply=True)
    notice = FollowNotice.objects.filter(recipient=person).order_by("pk").first()
    assert notice is not None
    proposal = raise_member_proposal(
        actor=person,
        committee=town.committee,
        title="Flere grønne skolegårde",
        need="Skolegårdene er asfalt; børnene savner skygge og grønt.",
        proposal="Udvalget beder forvaltningen undersøge løsninger med skolerne.",
    )
    origin = shared_innovation(other_town, title="Skærmbesøg i hjemmeplejen")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the administrators are told
        reuse_request = request_reuse_examination(
            actor=person,
            origin=origin,
            committee=town.committee,
            reason="Vi har samme udfordring i hjemmeplejen.",
        )
    start_reuse_examination(actor=town.official, request=reuse_request)
    reuse_request = submit_reuse_examination(
        actor=town.official, request=reuse_request, examination="Passer til vores hjemmepleje."
    )
    membership = Membership.objects.get(person=person, committee=town.committee)
    briefing = Briefing.objects.create(
        membership=membership,
        person=person,
        committee=town.committee,
        term_start=electoral_term_start(timezone.localdate()),
        created_at=timezone.now(),
        email_sent_at=timezone.now(),
    )
    return PoliticianHistory(person, followed, follow, notice, proposal, reuse_request, briefing)
