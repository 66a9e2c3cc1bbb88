import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from clusterscape.accounts.models import User
from clusterscape.accounts.tests.factories import UserFactory
from clusterscape.funding.models import (
    Application,
    Criterion,
    FundingProgramme,
    Grant,
    Milestone,
    Partnership,
    ReviewerAssignment,
    Round,
)
from clusterscape.registry.tests.factories import OrganisationFactory


class FundingProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = FundingProgramme

    slug = factory.Sequence(lambda n: f"funding-{n}")
    name_de = factory.Sequence(lambda n: f"Förderprogramm {n}")
    name_en = factory.Sequence(lambda n: f"Funding programme {n}")
    cap_per_cluster_eur = Decimal("4000000")
    concept_phase_max_months = 24
    implementation_phase_max_months = 36
    partners_abroad_only = True


class RoundFactory(DjangoModelFactory):
    class Meta:
        model = Round

    programme = factory.SubFactory(FundingProgrammeFactory)
    year = 2015
    target_selections = 10


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    round = factory.SubFactory(RoundFactory)
    name_de = factory.Sequence(lambda n: f"Kriterium {n}")
    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal(1)
    max_score = 5


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    round = factory.SubFactory(RoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    concept_summary = "Partner regions with complementary competences in lightweight design."


class SelectedApplicationFactory(ApplicationFactory):
    status = Application.Status.SELECTED
    decision_reason = "Convincing concept."


class GrantFactory(DjangoModelFactory):
    class Meta:
        model = Grant

    application = factory.SubFactory(SelectedApplicationFactory)


class DatedGrantFactory(GrantFactory):
    total_eur = Decimal("4000000")
    concept_start = datetime.date(2016, 1, 1)
    concept_end = datetime.date(2017, 12, 31)
    concept_budget_eur = Decimal("1000000")
    implementation_start = datetime.date(2018, 1, 1)
    implementation_end = datetime.date(2020, 12, 31)
    implementation_budget_eur = Decimal("3000000")


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    grant = factory.SubFactory(DatedGrantFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = datetime.date(2017, 6, 30)


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    grant = factory.SubFactory(GrantFactory)
    partner_country_id = "FR"


class ReviewerFactory(UserFactory):
    platform_role = User.PlatformRole.REVIEWER


class OfficerFactory(UserFactory):
    platform_role = User.PlatformRole.PROGRAMME_OFFICER


class ReviewerAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = ReviewerAssignment

    application = factory.SubFactory(ApplicationFactory, status=Application.Status.IN_REVIEW)
    reviewer = factory.SubFactory(ReviewerFactory)
