"""Schemas of the API: what goes in and what comes out; no rules of their own."""

import datetime

from ninja import Field, Schema


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


class HitOut(Schema):
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


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
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
        "a sample (the total is exact).",
    )


class SuggestionOut(Schema):
    kind: str = Field(description="organisation (a name) or field (a taxonomy term).")
    label: str
    value: str
    url: str


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}
