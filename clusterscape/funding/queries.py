"""Reads of the funding app: programmes, rounds, selected clusters, partnerships, the
schedule and the indicators for the public and the accompanying research."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from clusterscape.content.queries import public_projects
from clusterscape.registry.models import Country

from .models import (
    Application,
    ExchangePost,
    FundingProgramme,
    Grant,
    Milestone,
    Partnership,
    Round,
)


def public_programmes() -> QuerySet[FundingProgramme]:
    return FundingProgramme.objects.annotate(
        round_count=Count("rounds", distinct=True),
        selected_count=Count(
            "rounds__applications",
            filter=Q(rounds__applications__status=Application.Status.SELECTED),
            distinct=True,
        ),
    ).order_by("slug")


def rounds_with_counts(programme: FundingProgramme) -> QuerySet[Round]:
    return programme.rounds.annotate(
        selected_count=Count(
            "applications", filter=Q(applications__status=Application.Status.SELECTED)
        )
    ).order_by("year")


def selected_applications(round: Round | None = None, programme=None) -> QuerySet[Application]:
    """Selected applications with their organisation, grant and partnerships, ready to list."""
    applications = Application.objects.filter(status=Application.Status.SELECTED)
    if round is not None:
        applications = applications.filter(round=round)
    if programme is not None:
        applications = applications.filter(round__programme=programme)
    return (
        applications.select_related("organisation__country", "round", "grant")
        .prefetch_related(
            "organisation__states",
            "partner_countries",
            Prefetch(
                "grant__partnerships",
                queryset=Partnership.objects.select_related(
                    "partner_country", "partner_organisation__country"
                ).prefetch_related(
                    # only a public project shows; a draft one leaves the link empty
                    Prefetch("joint_project", queryset=public_projects())
                ),
            ),
        )
        .order_by("round__year", "organisation__name")
    )


def schedule_grants(programme: FundingProgramme) -> list[Grant]:
    """Every grant of the programme with its milestones, by round and name."""
    return list(
        Grant.objects.filter(application__round__programme=programme)
        .select_related("application__organisation", "application__round")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due_on")))
        .order_by("application__round__year", "application__organisation__name")
    )


def programme_partnerships(programme: FundingProgramme) -> QuerySet[Partnership]:
    return Partnership.objects.filter(
        grant__application__round__programme=programme
    ).select_related(
        "partner_country",
        "partner_organisation__country",
        "grant__application__organisation",
        "grant__application__round",
    )


# -- indicators ------------------------------------------------------------------------------


@dataclass
class RoundIndicators:
    year: int
    selected: int = 0
    partnerships: int = 0
    partner_countries: int = 0
    joint_projects: int = 0
    german_organisations: int = 0
    partner_organisations: int = 0
    smes: int = 0
    smes_known: int = 0
    german_funding_eur: Decimal = Decimal(0)
    german_funding_known: int = 0
    partner_funding_eur: Decimal = Decimal(0)
    partner_funding_known: int = 0


@dataclass
class Indicators:
    rounds: list[RoundIndicators]
    by_stage: list[tuple[str, int]]
    by_country: list[tuple[Country, int]]
    total: RoundIndicators
    funded_by_year: list[tuple[int, int]] = field(default_factory=list)


def _is_joint_project(partnership: Partnership) -> bool:
    return bool(partnership.joint_project_id or partnership.joint_project_url) or (
        partnership.stage == Partnership.Stage.JOINT_PROJECT
    )


def indicators(programme: FundingProgramme) -> Indicators:
    """Partnerships by stage, partner countries, joint projects, organisations and SMEs
    involved, German and partner funding — per round and for the whole programme. Sums of
    money count only published amounts; the *_known counts say how many were published."""
    rounds = list(programme.rounds.order_by("year"))
    applications = list(selected_applications(programme=programme))
    by_round = {round.year: RoundIndicators(year=round.year) for round in rounds}
    total = RoundIndicators(year=0)
    stage_counts: Counter = Counter()
    country_counts: Counter = Counter()
    countries: dict[str, Country] = {}
    round_codes: dict[int, set[str]] = {round.year: set() for round in rounds}
    for application in applications:
        row = by_round[application.round.year]
        grant = getattr(application, "grant", None)
        partnerships = list(grant.partnerships.all()) if grant else []
        organisation = application.organisation
        for target in (row, total):
            target.selected += 1
            target.german_organisations += 1
            target.partnerships += len(partnerships)
            target.joint_projects += sum(1 for p in partnerships if _is_joint_project(p))
            target.partner_organisations += len(
                {p.partner_organisation_id for p in partnerships if p.partner_organisation_id}
            )
            if organisation.members_sme is not None:
                target.smes += organisation.members_sme
                target.smes_known += 1
            if grant is not None and grant.total_eur is not None:
                target.german_funding_eur += grant.total_eur
                target.german_funding_known += 1
            for partnership in partnerships:
                if partnership.partner_funding_eur is not None:
                    target.partner_funding_eur += partnership.partner_funding_eur
                    target.partner_funding_known += 1
        for partnership in partnerships:
            stage_counts[partnership.stage] += 1
            country = partnership.country
            if country is not None:
                countries[country.pk] = country
                country_counts[country.pk] += 1
                round_codes[application.round.year].add(country.pk)
    for row in by_round.values():
        row.partner_countries = len(round_codes[row.year])
    total.partner_countries = len(country_counts)
    by_stage = [(str(stage.label), stage_counts.get(stage.value, 0)) for stage in Partnership.Stage]
    by_stage.append((_("not published"), stage_counts.get("", 0)))
    by_country = sorted(
        ((countries[code], count) for code, count in country_counts.items()),
        key=lambda pair: (-pair[1], pair[0].name),
    )
    funded_by_year = _funded_by_year(applications)
    return Indicators(
        rounds=list(by_round.values()),
        by_stage=by_stage,
        by_country=by_country,
        total=total,
        funded_by_year=funded_by_year,
    )


def _funded_by_year(applications: list[Application]) -> list[tuple[int, int]]:
    """Clusters in a funded phase per calendar year, where phase dates are published."""
    counts: Counter = Counter()
    for application in applications:
        grant = getattr(application, "grant", None)
        if grant is None or grant.start is None or grant.end is None:
            continue
        for year in range(grant.start.year, grant.end.year + 1):
            counts[year] += 1
    return sorted(counts.items())


# -- exchange --------------------------------------------------------------------------------


def exchange_posts(programme: FundingProgramme, query: str = "") -> QuerySet[ExchangePost]:
    """The programme's exchange posts, newest first; a query narrows them to posts whose
    title, text or comments contain every word."""
    posts = ExchangePost.objects.filter(programme=programme)
    for word in query.split():
        posts = posts.filter(
            Q(title__icontains=word) | Q(body__icontains=word) | Q(comments__body__icontains=word)
        )
    return (
        posts.distinct()
        .select_related("author")
        .annotate(comment_count=Count("comments", distinct=True))
        .order_by("-created_at", "-pk")
    )


class _NoStates:
    def all(self) -> list:
        return []


class CountryPlace:
    """A partner country in the shape the core map partial expects of an organisation:
    placed at the country's centre (approximate), linked to the country's directory page."""

    latitude = None
    longitude = None
    location_precision = "country"
    city = ""
    states = _NoStates()

    def __init__(self, country: Country, partnerships: int) -> None:
        self.country = country
        self.partnerships = partnerships

    @property
    def display_name(self) -> str:
        return _("%(country)s (%(count)s partnerships)") % {
            "country": self.country.name,
            "count": self.partnerships,
        }

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return f"{reverse('registry:directory')}?country={self.country.code}"
