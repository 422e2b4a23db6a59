"""A committee secretary of Aarhus with a history in Spor, for the privacy stories."""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from notifications.models import Notification

from decisions.models import Decision
from innovations.models import Innovation
from organisations.models import User
from reminders.models import Checkpoint, Reminder
from reminders.services import create_checkpoint

from .factories import DecisionFactory, InnovationFactory


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
