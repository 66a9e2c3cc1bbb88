"""Schemas of the API: what goes in and what comes out; no rules of their own."""

import datetime

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict


class SearchQuery(Schema):
    """The search's parameters (documented here; checked by search.forms.SearchForm)."""

    q: str = Field("", description='Words and "quoted phrases"; at most 200 characters count.')
    type: list[str] = Field([], description="Document type: organisation.")
    kind: list[str] = Field([], description="Kind of organisation: cluster, network, …")
    country: list[str] = Field([], description="ISO 3166-1 alpha-2 code, e.g. DE.")
    state: list[str] = Field([], description="German state, ISO 3166-2, e.g. DE-SN.")
    field: list[str] = Field([], description="Field slug; an area includes its fields.")
    programme: list[str] = Field([], description="Programme slug, e.g. spitzencluster.")
    round: list[str] = Field([], description="Programme round, slug:year, e.g. interspin:2016.")
    size: list[str] = Field([], description="Member-size band: 1-49, 50-249, 250-999, 1000-plus.")
    language: list[str] = Field([], description="Language of the content: de, en.")
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    near: str = Field("", description="A city name, e.g. Dresden (instead of lat/lon).")
    lat: float | None = None
    lon: float | None = None
    radius: float | None = Field(None, description="Radius in km (default 50 with a centre).")
    sort: str = Field("relevance", description="relevance, name or date.")
    page: int = 1
    page_size: int = Field(20, description="At most 100.")


class PlainOut(BaseModel):
    """An answer read from the attributes of plain objects (dataclasses), validated by
    pydantic alone: ninja's Schema wraps every object it validates (a search's facets are
    hundreds of values), which cost a third of an uncached search request."""

    model_config = ConfigDict(from_attributes=True)


class HitOut(PlainOut):
    kind: str
    object_id: int
    slug: str
    title: str
    short_name: str
    url: str
    snippet: str = Field(description="HTML: escaped text with matched words in <mark>.")
    score: float
    latitude: float | None
    longitude: float | None
    date_start: datetime.date | None


class FacetValueOut(PlainOut):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(PlainOut):
    q: str
    total: int
    page: int
    page_size: int
    pages: int
    hits: list[HitOut]
    facets: dict[str, list[FacetValueOut]]
    did_you_mean: str | None
    relaxed: bool = Field(description="No document had every word; these have some.")
    ignored: dict[str, list[str]] = Field(description="Unknown filter values left out.")
    facets_estimated: bool = Field(
        default=False,
        description="More than 1,000 documents matched: the facet counts are estimates from "
        "a sample (the total too when total_estimated is true).",
    )
    total_estimated: bool = Field(
        default=False,
        description="So many documents matched (a broad search sorted by relevance, on "
        "PostgreSQL) that the total is an estimate from a sample, to two significant digits.",
    )


class SuggestionOut(Schema):
    kind: str = Field(description="organisation (a name) or field (a taxonomy term).")
    label: str
    value: str
    url: str


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


# --- registry -----------------------------------------------------------------------------


class OrganisationListQuery(SearchQuery):
    """The directory's parameters, plus sparse fields."""

    fields: str = Field(
        "",
        description="Comma-separated record fields to return (slug always comes along), "
        "e.g. slug,name,country. Empty: every field.",
    )
    page_size: int = Field(20, description="At most 100.")


class OrganisationOut(Schema):
    """An organisation's record in the import/export format (clusterscape-organisations),
    with its profile URL and the data licence. Lists return the fields asked for."""

    slug: str
    name: str | None = None
    short_name: str | None = None
    kind: str | None = None
    status: str | None = None
    country: str | None = None
    additional_countries: list[str] | None = None
    states: list[str] | None = None
    nuts_codes: str | None = None
    city: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    location_precision: str | None = None
    website: str | None = None
    founding_year: int | None = None
    management_organisation: str | None = None
    management_staff_fte: float | None = None
    members_sme: int | None = None
    members_large: int | None = None
    members_startup: int | None = None
    members_research: int | None = None
    members_university: int | None = None
    members_public: int | None = None
    members_other: int | None = None
    members_year: int | None = None
    fields: list[str] | None = None
    keywords: str | None = None
    offers: list[str] | None = None
    seeks: list[str] | None = None
    target_countries: list[str] | None = None
    partner_countries: list[str] | None = None
    programmes: list[str] | None = None
    description_de: str | None = None
    description_en: str | None = None
    source_urls: list[str] | None = None
    compiled_on: str | None = None
    confidence: str | None = None
    url: str
    licence: str
    partners: list[dict] | None = Field(
        None, description="Detail only: partner organisations (slug, kind, year, source)."
    )


class OrganisationPageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None
    licence: str
    results: list[OrganisationOut]


class FieldOut(Schema):
    slug: str
    parent: str | None
    name: str
    name_de: str
    name_en: str
    synonyms: list[str]
    organisations: int
    url: str


class CountryOut(Schema):
    code: str
    name: str
    name_de: str
    name_en: str
    organisations: int


class StateOut(Schema):
    code: str
    nuts_code: str
    slug: str
    name: str
    organisations: int
    url: str


class RegionsOut(Schema):
    countries: list[CountryOut]
    states: list[StateOut]


class ProgrammeRoundOut(Schema):
    year: int | None
    organisations: list[str]


class RegistryProgrammeOut(Schema):
    slug: str
    name: str
    name_de: str
    name_en: str
    level: str
    country: str | None
    state: str | None
    website: str | None
    source_urls: list[str]
    rounds: list[ProgrammeRoundOut]
    url: str


class PartnerLinkOut(Schema):
    source: str
    target: str
    kind: str
    year: int | None
    source_url: str


class TallyOut(Schema):
    key: str
    label: str
    count: int


class StatisticsOut(Schema):
    figures: dict[str, int]
    by_state: list[TallyOut]
    by_area: list[TallyOut]
    by_programme: list[TallyOut]
    by_country: list[TallyOut]
    licence: str


class OrganisationPatchIn(Schema):
    """The profile columns a manager may change (those of the profile form, and what the
    organisation works on, offers, seeks and where it looks for partners). Omitted columns
    keep their value, null empties one; the registry's record rules check the result."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str | None = None
    short_name: str | None = None
    city: str | None = None
    website: str | None = None
    founding_year: int | None = None
    management_organisation: str | None = None
    management_staff_fte: float | None = None
    members_sme: int | None = None
    members_large: int | None = None
    members_startup: int | None = None
    members_research: int | None = None
    members_university: int | None = None
    members_public: int | None = None
    members_other: int | None = None
    members_year: int | None = None
    keywords: str | None = Field(None, description="Free keywords, separated by ';'.")
    description_de: str | None = None
    description_en: str | None = None
    fields: list[str] | None = Field(None, description="Field slugs (see /fields).")
    offers: list[str] | None = Field(
        None, description="Competences offered: field:capability, field or :capability."
    )
    seeks: list[str] | None = Field(None, description="Competences sought, as offers.")
    target_countries: list[str] | None = Field(
        None, description="Countries where partners are sought (ISO 3166-1 alpha-2)."
    )
