import datetime
import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from clusterscape.content.models import (
    CallDeadline,
    Event,
    FundingCall,
    NewsItem,
    Project,
    ProjectPartner,
    Status,
)
from clusterscape.registry.tests.factories import OrganisationFactory


def an_hour_ago() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=1)


def in_days(days: int, hour: int = 10) -> datetime.datetime:
    """A whole hour `days` from now, in Berlin."""
    berlin = timezone.localtime(timezone.now() + datetime.timedelta(days=days))
    return berlin.replace(hour=hour, minute=0, second=0, microsecond=0)


class ContentFactory(DjangoModelFactory):
    """Published items by default (factories write the rows directly, like fixtures; tests
    of the rules go through content.services)."""

    title = factory.Sequence(lambda n: f"Item {n}")
    slug = factory.Sequence(lambda n: f"item-{n}")
    language = "en"
    translation_key = factory.LazyFunction(uuid.uuid4)
    organisation = factory.SubFactory(OrganisationFactory)
    status = Status.PUBLISHED
    publish_at = factory.LazyFunction(an_hour_ago)


class NewsItemFactory(ContentFactory):
    class Meta:
        model = NewsItem

    title = factory.Sequence(lambda n: f"News {n}")
    slug = factory.Sequence(lambda n: f"news-{n}")
    teaser = "What happened, in a sentence."


class EventFactory(ContentFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = Event.Kind.CONFERENCE
    summary = "Two days of talks."
    starts_at = factory.LazyFunction(lambda: in_days(10, 9))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=8))
    time_zone = "Europe/Berlin"
    city = "Berlin"


class FundingCallFactory(ContentFactory):
    class Meta:
        model = FundingCall
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Call {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    funder = "Bundesministerium für Bildung und Forschung"
    programme_name = "Programme"
    summary = "Funding for clusters."
    official_url = "https://example.org/call"

    @factory.post_generation
    def deadlines(self, create, extracted, **kwargs):
        """deadlines=[datetime, …] (default: one in 20 days)."""
        if not create:
            return
        moments = extracted if extracted is not None else [in_days(20, 12)]
        for moment in moments:
            CallDeadline.objects.create(call=self, deadline_at=moment)
        if moments:
            self.first_deadline_at = min(moments)
            self.last_deadline_at = max(moments)
            self.save(update_fields=["first_deadline_at", "last_deadline_at"])


class ProjectFactory(ContentFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    summary = "Partners develop something together."
    lead_organisation = factory.SelfAttribute("organisation")
    start_date = datetime.date(2024, 1, 1)


class ProjectPartnerFactory(DjangoModelFactory):
    class Meta:
        model = ProjectPartner

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
