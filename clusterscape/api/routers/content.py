"""News, events, funding calls and projects as open data: lists with the portal's filters,
page links and sparse fields, details by slug, exports (CSV, JSON, XLSX); and managers'
writes through content.services, the same rules as the editorial forms. Only published items
whose publishing time has come are read here."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status

from clusterscape.content import queries as content_queries
from clusterscape.content.forms import ListFilterForm
from clusterscape.content.models import ContentItem, Event, FundingCall, Language, NewsItem, Project
from clusterscape.registry.models import Country
from clusterscape.search import queries as search_queries
from clusterscape.search.analysis import MAX_QUERY_LENGTH
from clusterscape.search.forms import MAX_PAGE
from clusterscape.search.models import SearchDocument

from .. import exports
from ..content_schemas import (
    CallFilterQuery,
    CallListQuery,
    CallOut,
    CallPageOut,
    ContentFilterQuery,
    ContentListQuery,
    EventFilterQuery,
    EventListQuery,
    EventOut,
    EventPageOut,
    NewsOut,
    NewsPageOut,
    ProjectOut,
    ProjectPageOut,
)
from ..freshness import set_last_modified
from ..openapi import ERROR_REF
from ..pages import page_body
from ..schemas import ErrorOut

router = Router(tags=["content"])

# Items a text filter (`q`) selects at most, before the other filters and the page.
TEXT_MATCH_LIMIT = 10_000
# Items an export holds at most.
EXPORT_LIMIT = 50_000


@dataclass(frozen=True)
class Kind:
    key: str  # as in exports.CONTENT_COLUMNS
    path: str
    search_kind: str
    model: type[ContentItem]
    public: Callable[[], QuerySet]
    missing: str  # lazily translated


KINDS = {
    "news": Kind(
        "news",
        "news",
        SearchDocument.Kind.NEWS,
        NewsItem,
        content_queries.public_news,
        gettext_lazy("No published news item has this key."),
    ),
    "events": Kind(
        "events",
        "events",
        SearchDocument.Kind.EVENT,
        Event,
        content_queries.public_events,
        gettext_lazy("No published event has this key."),
    ),
    "calls": Kind(
        "calls",
        "funding-calls",
        SearchDocument.Kind.CALL,
        FundingCall,
        content_queries.public_calls,
        gettext_lazy("No published funding call has this key."),
    ),
    "projects": Kind(
        "projects",
        "projects",
        SearchDocument.Kind.PROJECT,
        Project,
        content_queries.public_projects,
        gettext_lazy("No published project has this key."),
    ),
}


# --- parameters ---------------------------------------------------------------------------


class CountryChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        return super().to_python(value.upper() if isinstance(value, str) else value)


class ContentListForm(ListFilterForm):
    """The public lists' filters (field, organisation) and the API's: words, language,
    country, page and page size."""

    q = forms.CharField(required=False, strip=True)
    language = forms.ChoiceField(choices=[("", ""), *Language.choices], required=False)
    country = CountryChoiceField(
        queryset=Country.objects.all(), to_field_name="code", required=False
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    page_size = forms.IntegerField(required=False, min_value=1)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:MAX_QUERY_LENGTH]

    def clean_page_size(self) -> int:
        size = self.cleaned_data["page_size"] or search_queries.DEFAULT_PAGE_SIZE
        return min(size, search_queries.MAX_PAGE_SIZE)

    def narrow(self, queryset: QuerySet) -> QuerySet:
        data = self.cleaned_data
        return content_queries.narrowed(
            queryset,
            language=data.get("language") or "",
            field=data.get("field"),
            organisation=data.get("organisation"),
            country=data.get("country"),
        )


class EventListForm(ContentListForm):
    kind = forms.ChoiceField(choices=[("", ""), *Event.Kind.choices], required=False)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date lies before the start date."))
        return cleaned

    def narrow(self, queryset: QuerySet) -> QuerySet:
        queryset = super().narrow(queryset)
        data = self.cleaned_data
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        return content_queries.taking_place(queryset, data.get("date_from"), data.get("date_to"))


class CallListForm(ContentListForm):
    state = forms.ChoiceField(
        choices=[("", ""), *((state, state) for state in content_queries.CALL_STATES)],
        required=False,
    )


FORMS: dict[str, type[ContentListForm]] = {
    "news": ContentListForm,
    "events": EventListForm,
    "calls": CallListForm,
    "projects": ContentListForm,
}


def _invalid(errors: dict) -> JsonResponse:
    body = ErrorOut(
        detail=_("The parameters are not valid."),
        errors={name: [str(message) for message in messages] for name, messages in errors.items()},
    )
    return JsonResponse(body.model_dump(), status=400)


def _selection(request: HttpRequest, kind: Kind) -> tuple[ContentListForm, QuerySet] | JsonResponse:
    """The validated parameters and the items they select, in the list's order; or the 400
    naming each bad parameter."""
    form = FORMS[kind.key](request.GET)
    if not form.is_valid():
        return _invalid(form.errors)
    if kind.key == "calls":
        queryset = content_queries.calls_in_state(form.cleaned_data.get("state") or "")
    else:
        queryset = kind.public()
    return form, exports.with_related(form.narrow(queryset), kind.key)


def _ordered_ids(form: ContentListForm, queryset: QuerySet, kind: Kind) -> list[int] | None:
    """With words (`q`): the ids of the selected items the search finds, most relevant
    first (the search's order, as on the portal). Without words: None (the list's order)."""
    words = form.cleaned_data.get("q") or ""
    if not words:
        return None
    params = search_queries.SearchParams(
        q=words,
        filters={"type": (kind.search_kind,)},
        page_size=TEXT_MATCH_LIMIT,
        with_facets=False,
    )
    results = search_queries.search(params, hint=False, max_page_size=TEXT_MATCH_LIMIT)
    found = [hit.object_id for hit in results.hits]
    selected = set(queryset.filter(pk__in=found).values_list("pk", flat=True))
    return [pk for pk in found if pk in selected]


def _items(queryset: QuerySet, ids: list[int]) -> list[ContentItem]:
    by_pk = {item.pk: item for item in queryset.filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _list(request: HttpRequest, response: HttpResponse, kind: Kind):
    selection = _selection(request, kind)
    if isinstance(selection, JsonResponse):
        return selection
    form, queryset = selection
    fields = exports.requested_content_fields(kind.key, request.GET.get("fields", ""))
    if fields is None:
        return _invalid({"fields": [_("Unknown field names; see the record format.")]})
    page = form.cleaned_data.get("page") or 1
    page_size = form.cleaned_data["page_size"]
    offset = (page - 1) * page_size
    ids = _ordered_ids(form, queryset, kind)
    if ids is None:
        total = queryset.count()
        items = list(queryset[offset : offset + page_size]) if offset < total else []
    else:
        total = len(ids)
        items = _items(queryset, ids[offset : offset + page_size])
    results = [exports.content_json(item, kind.key, request, fields=fields) for item in items]
    set_last_modified(response, content_queries.last_changed(kind.model))
    return page_body(request, page=page, page_size=page_size, total=total, results=results)


def _detail(request: HttpRequest, response: HttpResponse, kind: Kind, slug: str):
    item = exports.with_related(kind.public(), kind.key).filter(slug=slug).first()
    if item is None:
        return Status(404, ErrorOut(detail=str(kind.missing)))
    set_last_modified(response, item.updated_at, item.publish_at)
    return exports.content_json(item, kind.key, request)


def _export(request: HttpRequest, kind: Kind, file_format: str) -> HttpResponse:
    if file_format not in exports.FORMATS:
        body = ErrorOut(
            detail=_("Unknown format."), errors={"format": [_("Use csv, json or xlsx.")]}
        )
        return JsonResponse(body.model_dump(), status=400)
    selection = _selection(request, kind)
    if isinstance(selection, JsonResponse):
        return selection
    form, queryset = selection
    ids = _ordered_ids(form, queryset, kind)
    items = list(queryset[:EXPORT_LIMIT]) if ids is None else _items(queryset, ids[:EXPORT_LIMIT])
    records = [exports.content_json(item, kind.key, request) for item in items]
    response = HttpResponse(
        exports.content_file(kind.key, records, file_format),
        content_type=exports.FORMATS[file_format],
    )
    response["Content-Disposition"] = f'attachment; filename="{kind.path}.{file_format}"'
    return response


# --- reads --------------------------------------------------------------------------------

LIST_NOTE = (
    " Filters: `field` (slug; an area includes its fields), `organisation` (slug of the "
    "publishing organisation), `language` (de, en), `country` (ISO 3166-1 alpha-2), `q` "
    "(words, found by the portal's search; the most relevant first). Pages like "
    "/organisations: `page` 1 to 1000, `page_size` up to 100, links `next` and `previous`. "
    "`fields` selects record fields (sparse fieldsets; slug and url always come along)."
)
FEEDS_NOTE = (
    " Feeds: /en/{path}/feed/rss/ and /en/{path}/feed/atom/ (also per organisation and "
    "field: add organisation/{{slug}}/ or field/{{slug}}/), under /de/ too."
)

LIST_OPTIONS = {"exclude_unset": True}
ERROR_400 = {400: ErrorOut}


@router.get(
    "/news",
    response={200: NewsPageOut, **ERROR_400},
    summary="News",
    description="Published news, latest first." + LIST_NOTE + FEEDS_NOTE.format(path="news"),
    **LIST_OPTIONS,
)
def news_list(request: HttpRequest, response: HttpResponse, params: Query[ContentListQuery]):
    return _list(request, response, KINDS["news"])


@router.get("/news/{slug}", response={200: NewsOut, 404: ErrorOut}, summary="One news item")
def news_detail(request: HttpRequest, response: HttpResponse, slug: str):
    """A published news item: teaser, text (sanitised HTML), tags, fields, its organisation."""
    return _detail(request, response, KINDS["news"], slug)


@router.get(
    "/events",
    response={200: EventPageOut, **ERROR_400},
    summary="Events",
    description=(
        "Published events by start, soonest first; `date_from` and `date_to` keep the "
        "events that take place at least partly on those days (use date_from=today for "
        "the upcoming ones); `kind` (conference, matchmaking, trade-fair, webinar, other); "
        "`country` is the venue's country."
        + LIST_NOTE
        + FEEDS_NOTE.format(path="events")
        + " iCalendar: /en/events/calendar.ics (all), /en/events/organisation/{slug}/"
        "calendar.ics, /en/events/field/{slug}/calendar.ics; one event: the record's `ical`."
    ),
    **LIST_OPTIONS,
)
def event_list(request: HttpRequest, response: HttpResponse, params: Query[EventListQuery]):
    return _list(request, response, KINDS["events"])


@router.get("/events/{slug}", response={200: EventOut, 404: ErrorOut}, summary="One event")
def event_detail(request: HttpRequest, response: HttpResponse, slug: str):
    """A published event: times in its own time zone, place or online link, registration,
    organiser and its iCalendar file (`ical`)."""
    return _detail(request, response, KINDS["events"], slug)


@router.get(
    "/funding-calls",
    response={200: CallPageOut, **ERROR_400},
    summary="Funding calls",
    description=(
        "Published funding calls. `state`: open (a deadline still ahead; next deadline "
        "first), closing-soon (the next deadline within 30 days), archived (every deadline "
        "passed; latest first); none: every call, latest last deadline first. `country` is "
        "an eligible country." + LIST_NOTE + FEEDS_NOTE.format(path="funding-calls")
    ),
    **LIST_OPTIONS,
)
def call_list(request: HttpRequest, response: HttpResponse, params: Query[CallListQuery]):
    return _list(request, response, KINDS["calls"])


@router.get(
    "/funding-calls/{slug}", response={200: CallOut, 404: ErrorOut}, summary="One funding call"
)
def call_detail(request: HttpRequest, response: HttpResponse, slug: str):
    """A published funding call: programme, funder, budget and rates, eligible countries,
    deadlines in their time zones, the official text and sources."""
    return _detail(request, response, KINDS["calls"], slug)


@router.get(
    "/projects",
    response={200: ProjectPageOut, **ERROR_400},
    summary="Projects",
    description=(
        "Published projects, latest start first, then by title. `country` is a country the "
        "project works in." + LIST_NOTE
    ),
    **LIST_OPTIONS,
)
def project_list(request: HttpRequest, response: HttpResponse, params: Query[ContentListQuery]):
    return _list(request, response, KINDS["projects"])


@router.get("/projects/{slug}", response={200: ProjectOut, 404: ErrorOut}, summary="One project")
def project_detail(request: HttpRequest, response: HttpResponse, slug: str):
    """A published project: lead organisation, partners, countries, dates, budget, phase and
    links to its outcomes."""
    return _detail(request, response, KINDS["projects"], slug)


# --- exports ------------------------------------------------------------------------------

EXPORT_RESPONSES = {
    "responses": {
        200: {
            "description": "The file, as an attachment.",
            "content": {
                media_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                for media_type in exports.FORMATS.values()
            },
        },
        400: {
            "description": "Unknown format or parameters that are not valid.",
            "content": {"application/json": {"schema": ERROR_REF}},
        },
    }
}
EXPORT_NOTE = (
    " As a file: `format=csv`, `json` or `xlsx`; every item, or those the list's parameters "
    "select (at most 50,000). CSV and XLSX have one column per record field, lists joined "
    'with "; "; JSON is {format, note, items}.'
)


@router.get(
    "/exports/news",
    summary="Export news (CSV, JSON, XLSX)",
    description="Published news, as /news." + EXPORT_NOTE,
    openapi_extra=EXPORT_RESPONSES,
)
def export_news(request: HttpRequest, params: Query[ContentFilterQuery], format: str = "csv"):
    return _export(request, KINDS["news"], format)


@router.get(
    "/exports/events",
    summary="Export events (CSV, JSON, XLSX)",
    description="Published events, as /events." + EXPORT_NOTE,
    openapi_extra=EXPORT_RESPONSES,
)
def export_events(request: HttpRequest, params: Query[EventFilterQuery], format: str = "csv"):
    return _export(request, KINDS["events"], format)


@router.get(
    "/exports/funding-calls",
    summary="Export funding calls (CSV, JSON, XLSX)",
    description="Published funding calls, as /funding-calls." + EXPORT_NOTE,
    openapi_extra=EXPORT_RESPONSES,
)
def export_calls(request: HttpRequest, params: Query[CallFilterQuery], format: str = "csv"):
    return _export(request, KINDS["calls"], format)


@router.get(
    "/exports/projects",
    summary="Export projects (CSV, JSON, XLSX)",
    description="Published projects, as /projects." + EXPORT_NOTE,
    openapi_extra=EXPORT_RESPONSES,
)
def export_projects(request: HttpRequest, params: Query[ContentFilterQuery], format: str = "csv"):
    return _export(request, KINDS["projects"], format)
