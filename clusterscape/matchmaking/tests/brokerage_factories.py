"""Brokerage events with days and registered participants, written directly (tests of the
rules go through brokerage_services)."""

import datetime

from django.utils import timezone

from clusterscape.accounts.tests.factories import MembershipFactory
from clusterscape.content.tests.factories import EventFactory
from clusterscape.matchmaking.brokerage_models import (
    Availability,
    BrokerageEvent,
    MeetingDay,
    MeetingRequest,
    Participant,
)
from clusterscape.registry.tests.factories import OrganisationFactory

DAY = datetime.date(2030, 3, 12)


def brokerage_event(*, tables: int = 2, slots: int = 4, days: int = 1, **values) -> BrokerageEvent:
    """An event on DAY (Berlin) with registration open now and `days` meeting days of
    `slots` 30-minute slots from 09:00 with `tables` tables."""
    zone = datetime.timezone(datetime.timedelta(hours=1))
    event = EventFactory(
        kind="matchmaking",
        starts_at=datetime.datetime.combine(DAY, datetime.time(8), tzinfo=zone),
        ends_at=datetime.datetime.combine(
            DAY + datetime.timedelta(days=days - 1), datetime.time(18), tzinfo=zone
        ),
    )
    values.setdefault("organiser", event.organisation)
    brokerage = BrokerageEvent.objects.create(
        event=event,
        registration_opens=timezone.now() - datetime.timedelta(days=1),
        registration_closes=timezone.now() + datetime.timedelta(days=30),
        time_zone="Europe/Berlin",
        languages="en,de",
        **values,
    )
    for number in range(days):
        MeetingDay.objects.create(
            brokerage=brokerage,
            date=DAY + datetime.timedelta(days=number),
            starts=datetime.time(9),
            ends=(
                datetime.datetime.combine(DAY, datetime.time(9))
                + datetime.timedelta(minutes=30 * slots)
            ).time(),
            slot_minutes=30,
            tables=tables,
        )
    return brokerage


def participant(brokerage: BrokerageEvent, organisation=None, **org_values) -> Participant:
    """A registered participant (its manager registered it), available all days."""
    organisation = organisation or OrganisationFactory(**org_values)
    membership = MembershipFactory(organisation=organisation)
    registered = Participant.objects.create(
        brokerage=brokerage, organisation=organisation, user=membership.user
    )
    for day in brokerage.days.all():
        Availability.objects.create(
            participant=registered, day=day, starts=day.starts, ends=day.ends
        )
    return registered


def meeting_request(sender: Participant, recipient: Participant) -> MeetingRequest:
    return MeetingRequest.objects.create(
        brokerage=sender.brokerage, sender=sender, recipient=recipient, message="Let us talk."
    )
