import factory
from factory.django import DjangoModelFactory

from clusterscape.registry.models import (
    Competence,
    Country,
    Field,
    Organisation,
    Programme,
    ProgrammeMembership,
    Source,
)


def germany() -> Country:
    return Country.objects.get(code="DE")


def automotive() -> Field:
    return Field.objects.get(slug="automotive")


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name_de = factory.Sequence(lambda n: f"Programm {n}")
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    level = Programme.Level.FEDERAL
    country = factory.LazyFunction(germany)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.CLUSTER
    status = Organisation.Status.PUBLISHED
    country = factory.LazyFunction(germany)


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    organisation = factory.SubFactory(OrganisationFactory)
    url = factory.Sequence(lambda n: f"https://example.org/source-{n}")


class ProgrammeMembershipFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeMembership

    organisation = factory.SubFactory(OrganisationFactory)
    programme = factory.SubFactory(ProgrammeFactory)


class CompetenceFactory(DjangoModelFactory):
    class Meta:
        model = Competence

    organisation = factory.SubFactory(OrganisationFactory)
    direction = Competence.Direction.OFFERS
    field = factory.LazyFunction(automotive)
