"""Schemas of the content resources (news, events, funding calls, projects) and of partner
requests written by API: what goes in and what comes out; no rules of their own (the
content and matchmaking services check every value)."""

import datetime
import uuid
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, create_model

# --- parameters ---------------------------------------------------------------------------


class ContentFilterQuery(Schema):
    """The list's filters (documented here; checked by the router's forms)."""

    q: str = Field("", description="Words, found by the portal's search; most relevant first.")
    language: str = Field("", description="Language the item is written in: de or en.")
    field: str = Field("", description="Field slug; an area includes its fields.")
    organisation: str = Field("", description="Slug of the publishing organisation.")
    country: str = Field("", description="ISO 3166-1 alpha-2 code, e.g. FR.")


class PageQuery(Schema):
    page: int = Field(1, description="1 to 1000.")
    page_size: int = Field(20, description="At most 100.")
    fields: str = Field(
        "",
        description="Comma-separated record fields to return (slug and url always come "
        "along), e.g. slug,title,language. Empty: every field.",
    )


class ContentListQuery(ContentFilterQuery, PageQuery):
    pass


class EventFilterQuery(ContentFilterQuery):
    kind: str = Field("", description="conference, matchmaking, trade-fair, webinar or other.")
    date_from: datetime.date | None = Field(None, description="Events not ended before this day.")
    date_to: datetime.date | None = Field(None, description="Events started by this day.")


class EventListQuery(EventFilterQuery, PageQuery):
    pass


class CallFilterQuery(ContentFilterQuery):
    state: str = Field("", description="open, closing-soon or archived; empty: every call.")


class CallListQuery(CallFilterQuery, PageQuery):
    pass


# --- records ------------------------------------------------------------------------------


class ContentOut(Schema):
    """What every content record has. Lists return only the fields asked for (`fields`)."""

    slug: str
    title: str | None = None
    language: str | None = None
    translation_key: str | None = Field(
        None, description="Versions of the same item in other languages share this key."
    )
    status: str | None = Field(None, description="draft, submitted, published or archived.")
    organisation: str | None = Field(
        None, description="Slug of the publishing organisation; null: the platform's own."
    )
    fields: list[str] | None = None
    publish_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None
    url: str = Field(description="The item's page on the portal.")


class NewsOut(ContentOut):
    teaser: str | None = None
    body: str | None = Field(None, description="Sanitised HTML.")
    image: str | None = None
    image_alt: str | None = None
    tags: list[str] | None = None


class EventOut(ContentOut):
    kind: str | None = None
    summary: str | None = None
    body: str | None = Field(None, description="Sanitised HTML.")
    starts_at: datetime.datetime | None = Field(None, description="In the event's time zone.")
    ends_at: datetime.datetime | None = None
    time_zone: str | None = None
    venue: str | None = None
    city: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    online_url: str | None = None
    organiser: str | None = Field(None, description="Slug of the organising organisation.")
    registration_url: str | None = None
    registration_deadline: datetime.datetime | None = None
    ical: str | None = Field(None, description="The event as an iCalendar file.")


class DeadlineOut(Schema):
    deadline_at: datetime.datetime = Field(description="In the deadline's time zone.")
    time_zone: str
    label: str


class CallOut(ContentOut):
    programme: str | None = Field(None, description="Slug of the programme in the registry.")
    programme_name: str | None = None
    funder: str | None = None
    summary: str | None = None
    budget_eur: float | None = None
    max_funding_eur: float | None = None
    funding_rate: float | None = Field(None, description="Percent.")
    eligible_countries: list[str] | None = None
    eligible_applicants: str | None = None
    official_url: str | None = None
    source_urls: list[str] | None = None
    deadlines: list[DeadlineOut] | None = None
    first_deadline_at: datetime.datetime | None = None
    last_deadline_at: datetime.datetime | None = None


class PartnerOut(Schema):
    organisation: str | None = Field(description="Slug, when the partner is in the registry.")
    name: str
    country: str | None


class ProjectOut(ContentOut):
    summary: str | None = None
    lead_organisation: str | None = None
    countries: list[str] | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    budget_eur: float | None = None
    funding_source: str | None = None
    phase: str | None = Field(None, description="planned, concept, implementation, completed.")
    outcome_links: list[str] | None = None
    partners: list[PartnerOut] | None = None


class PageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None


class NewsPageOut(PageOut):
    results: list[NewsOut]


class EventPageOut(PageOut):
    results: list[EventOut]


class CallPageOut(PageOut):
    results: list[CallOut]


class ProjectPageOut(PageOut):
    results: list[ProjectOut]


# --- writes -------------------------------------------------------------------------------


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("Text must not contain NUL characters."))
    return value


def _plausible(value: datetime.datetime) -> datetime.datetime:
    if not 1900 <= value.year <= 2200:
        raise ValueError(_("Give a date between the years 1900 and 2200."))
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Moment = Annotated[
    datetime.datetime,
    AfterValidator(_plausible),
    Field(description="ISO 8601; without an offset it is read in the item's time zone."),
]


class WriteIn(Schema):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


CreateStatus = Literal["draft", "submitted", "published"]
ChangeStatus = Literal["submitted", "published", "archived"]

STATUS_NOTE = (
    "draft keeps it with the organisation; submitted sends it to the editors for review "
    "(managers); published publishes it now (platform editors only)."
)


class ContentIn(WriteIn):
    organisation: Text = Field(description="Slug of the organisation the item is published by.")
    title: Text
    language: Text = Field(description="de or en: the language the item is written in.")
    translation_key: uuid.UUID | None = Field(
        None, description="Another item's key: this item is its version in another language."
    )
    fields: list[Text] = Field([], description="Field slugs (see /fields).")
    status: CreateStatus = Field("submitted", description=STATUS_NOTE)


class NewsIn(ContentIn):
    teaser: Text
    body: Text = Field("", description="HTML; sanitised like the editor's.")
    tags: list[Text] = []


class EventIn(ContentIn):
    kind: Text = Field(description="conference, matchmaking, trade-fair, webinar or other.")
    summary: Text
    body: Text = ""
    starts_at: Moment
    ends_at: Moment
    time_zone: Text = Field("Europe/Berlin", description="Where the event takes place.")
    venue: Text = ""
    city: Text = ""
    country: Text | None = Field(None, description="ISO 3166-1 alpha-2.")
    latitude: float | None = None
    longitude: float | None = None
    online_url: Text = ""
    organiser: Text | None = Field(None, description="Slug of the organising organisation.")
    registration_url: Text = ""
    registration_deadline: Moment | None = None


class DeadlineIn(WriteIn):
    deadline_at: Moment
    time_zone: Text = "Europe/Berlin"
    label: Text = Field("", description="What is due, e.g. project outlines.")


class CallIn(ContentIn):
    programme: Text | None = Field(None, description="Programme slug in the registry.")
    programme_name: Text = Field("", description="The programme, when not in the registry.")
    funder: Text
    summary: Text
    budget_eur: float | None = None
    max_funding_eur: float | None = None
    funding_rate: float | None = Field(None, description="Percent, 0 to 100.")
    eligible_countries: list[Text] = Field([], description="ISO 3166-1 alpha-2 codes.")
    eligible_applicants: Text = ""
    official_url: Text
    source_urls: list[Text] = Field([], description="Where the facts come from.")
    deadlines: list[DeadlineIn] = Field(description="At least one.")


class PartnerIn(WriteIn):
    organisation: Text | None = Field(None, description="Slug, when the partner is registered.")
    name: Text = Field("", description="The partner's name, when it is not registered.")
    country: Text | None = Field(None, description="ISO 3166-1 alpha-2.")


class ProjectIn(ContentIn):
    summary: Text
    lead_organisation: Text | None = Field(None, description="Slug of the lead organisation.")
    countries: list[Text] = Field([], description="ISO 3166-1 alpha-2 codes.")
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    budget_eur: float | None = None
    funding_source: Text = ""
    phase: Text = Field("", description="planned, concept, implementation or completed.")
    outcome_links: list[Text] = []
    partners: list[PartnerIn] = []


def _patch_schema(schema: type[ContentIn]) -> type[WriteIn]:
    """The schema's fields, each optional, without the organisation (an item stays with
    its organisation); status moves the item on."""
    fields: dict[str, Any] = {
        name: (info.annotation | None, Field(None, description=info.description))
        for name, info in schema.model_fields.items()
        if name not in ("organisation", "status")
    }
    fields["status"] = (
        ChangeStatus | None,
        Field(
            None,
            description="submitted (a draft, managers), published (editors) or archived "
            "(managers); omitted: the status stays.",
        ),
    )
    return create_model(schema.__name__.replace("In", "PatchIn"), __base__=WriteIn, **fields)


NewsPatchIn = _patch_schema(NewsIn)
EventPatchIn = _patch_schema(EventIn)
CallPatchIn = _patch_schema(CallIn)
ProjectPatchIn = _patch_schema(ProjectIn)


class PartnerRequestIn(WriteIn):
    organisation: Text = Field(description="Slug of the organisation that seeks partners.")
    title: Text
    seeks: Text = Field("", description="What the organisation seeks.")
    offers: Text = Field("", description="What it offers (seeks or offers, or both).")
    cooperation: Text = Field(description="research, project, market, exchange or other.")
    deadline: datetime.date = Field(description="Until when; today or later.")
    language: Text = Field(description="de or en.")
    fields: list[Text] = Field([], description="Field slugs (see /fields).")
    target_countries: list[Text] = Field([], description="ISO 3166-1 alpha-2 codes.")
