"""GET /api/v1/funding/...: the public side of the funding programmes — programmes with their
rules, rounds, selected clusters, partnerships and indicators. Unknown facts are null."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from clusterscape.funding import queries
from clusterscape.funding.models import FundingProgramme, Partnership, Round

router = Router(tags=["funding"])


class RoundOut(Schema):
    year: int
    call_opens: datetime.date | None
    call_closes: datetime.date | None
    target_selections: int | None
    selected: int
    description: str
    source_urls: list[str]


class ProgrammeOut(Schema):
    slug: str
    name_de: str
    name_en: str
    registry_programme: str | None
    cap_per_cluster_eur: Decimal | None
    concept_phase_max_months: int | None
    implementation_phase_max_months: int | None
    phases_may_overlap: bool
    partners_abroad_only: bool
    description: str
    source_urls: list[str]


class ProgrammeDetailOut(ProgrammeOut):
    rounds: list[RoundOut]


class PartnershipOut(Schema):
    cluster: str
    round: int
    partner: str
    partner_organisation: str | None
    partner_country: str | None
    stage: str | None
    partner_funding_eur: Decimal | None
    partner_funding_source: str
    joint_project_url: str
    source_urls: list[str]


class SelectedClusterOut(Schema):
    organisation: str
    name: str
    country: str
    round: int
    grant_total_eur: Decimal | None
    concept_start: datetime.date | None
    concept_end: datetime.date | None
    implementation_start: datetime.date | None
    implementation_end: datetime.date | None
    partner_countries: list[str]
    source_urls: list[str]


class RoundDetailOut(RoundOut):
    selected_clusters: list[SelectedClusterOut]


class RoundIndicatorsOut(Schema):
    year: int | None
    selected: int
    partnerships: int
    partner_countries: int
    joint_projects: int
    german_organisations: int
    partner_organisations: int
    smes: int | None
    german_funding_eur: Decimal | None
    german_funding_published_for: int
    partner_funding_eur: Decimal | None
    partner_funding_published_for: int


class CountOut(Schema):
    key: str
    label: str
    partnerships: int


class IndicatorsOut(Schema):
    rounds: list[RoundIndicatorsOut]
    total: RoundIndicatorsOut
    by_stage: list[CountOut]
    by_country: list[CountOut]


def _programme(programme: FundingProgramme) -> dict:
    return {
        "slug": programme.slug,
        "name_de": programme.name_de,
        "name_en": programme.name_en,
        "registry_programme": programme.programme.slug if programme.programme else None,
        "cap_per_cluster_eur": programme.cap_per_cluster_eur,
        "concept_phase_max_months": programme.concept_phase_max_months,
        "implementation_phase_max_months": programme.implementation_phase_max_months,
        "phases_may_overlap": programme.phases_may_overlap,
        "partners_abroad_only": programme.partners_abroad_only,
        "description": programme.description,
        "source_urls": programme.source_url_list,
    }


def _round(round: Round, selected: int) -> dict:
    return {
        "year": round.year,
        "call_opens": round.call_opens,
        "call_closes": round.call_closes,
        "target_selections": round.target_selections,
        "selected": selected,
        "description": round.description,
        "source_urls": round.source_urls.split(),
    }


def _get(slug: str) -> FundingProgramme:
    return get_object_or_404(FundingProgramme.objects.select_related("programme"), slug=slug)


@router.get("/funding/programmes", response=list[ProgrammeOut], summary="Funding programmes")
def programmes(request: HttpRequest):
    """Every funding programme with its rules (empty rule = none published)."""
    return [_programme(p) for p in FundingProgramme.objects.select_related("programme")]


@router.get(
    "/funding/programmes/{slug}", response=ProgrammeDetailOut, summary="A funding programme"
)
def programme(request: HttpRequest, slug: str):
    found = _get(slug)
    rounds = [_round(r, r.selected_count) for r in queries.rounds_with_counts(found)]
    return {**_programme(found), "rounds": rounds}


@router.get(
    "/funding/programmes/{slug}/rounds/{year}",
    response=RoundDetailOut,
    summary="A round with its selected clusters",
)
def round_detail(request: HttpRequest, slug: str, year: int):
    found = get_object_or_404(Round, programme__slug=slug, year=year)
    applications = list(queries.selected_applications(round=found))
    clusters = []
    for application in applications:
        grant = getattr(application, "grant", None)
        partnerships = list(grant.partnerships.all()) if grant else []
        clusters.append(
            {
                "organisation": application.organisation.slug,
                "name": application.organisation.name,
                "country": application.organisation.country_id,
                "round": found.year,
                "grant_total_eur": grant.total_eur if grant else None,
                "concept_start": grant.concept_start if grant else None,
                "concept_end": grant.concept_end if grant else None,
                "implementation_start": grant.implementation_start if grant else None,
                "implementation_end": grant.implementation_end if grant else None,
                "partner_countries": sorted(
                    {p.country.pk for p in partnerships if p.country is not None}
                ),
                "source_urls": application.source_urls.split(),
            }
        )
    return {**_round(found, len(clusters)), "selected_clusters": clusters}


@router.get(
    "/funding/programmes/{slug}/partnerships",
    response=list[PartnershipOut],
    summary="Partnerships of the funded clusters",
)
def partnerships(request: HttpRequest, slug: str):
    found = _get(slug)
    return [
        {
            "cluster": p.grant.application.organisation.slug,
            "round": p.grant.application.round.year,
            "partner": p.partner_name,
            "partner_organisation": p.partner_organisation.slug if p.partner_organisation else None,
            "partner_country": p.country.pk if p.country else None,
            "stage": p.stage or None,
            "partner_funding_eur": p.partner_funding_eur,
            "partner_funding_source": p.partner_funding_source,
            "joint_project_url": p.joint_project_url,
            "source_urls": p.source_urls.split(),
        }
        for p in queries.programme_partnerships(found).order_by(
            "grant__application__round__year", "grant__application__organisation__slug", "pk"
        )
    ]


def _indicators(row, *, year: int | None) -> dict:
    return {
        "year": year,
        "selected": row.selected,
        "partnerships": row.partnerships,
        "partner_countries": row.partner_countries,
        "joint_projects": row.joint_projects,
        "german_organisations": row.german_organisations,
        "partner_organisations": row.partner_organisations,
        "smes": row.smes if row.smes_known else None,
        "german_funding_eur": row.german_funding_eur if row.german_funding_known else None,
        "german_funding_published_for": row.german_funding_known,
        "partner_funding_eur": row.partner_funding_eur if row.partner_funding_known else None,
        "partner_funding_published_for": row.partner_funding_known,
    }


@router.get(
    "/funding/programmes/{slug}/indicators",
    response=IndicatorsOut,
    summary="Indicators per round and in total",
)
def indicators(request: HttpRequest, slug: str):
    data = queries.indicators(_get(slug))
    stages = [stage.value for stage in Partnership.Stage] + [""]
    return {
        "rounds": [_indicators(row, year=row.year) for row in data.rounds],
        "total": _indicators(data.total, year=None),
        "by_stage": [
            {"key": key or "not-published", "label": label, "partnerships": count}
            for key, (label, count) in zip(stages, data.by_stage, strict=True)
        ],
        "by_country": [
            {"key": country.code, "label": country.name, "partnerships": count}
            for country, count in data.by_country
        ],
    }
