"""Organisations, fields, regions, programmes, partnerships and statistics: the registry as
open data. Read-only; lists page with stable order and links; every organisation record
carries its sources and the data licence."""

import dataclasses
import io

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from clusterscape.accounts import permissions
from clusterscape.accounts.models import ApiToken
from clusterscape.registry import queries as registry_queries
from clusterscape.registry import services as registry_services
from clusterscape.registry.models import Field, Organisation, PartnerLink, Programme
from clusterscape.registry.records import COLUMNS, RecordInvalid, record_from_organisation
from clusterscape.search import queries as search_queries
from clusterscape.search.forms import SearchForm
from clusterscape.search.models import SearchDocument

from .. import exports
from ..auth import TokenAuth, require_token_for, session_auth
from ..exports import LICENCE
from ..freshness import set_last_modified
from ..openapi import ERROR_REF
from ..pages import page_body
from ..schemas import (
    CountryOut,
    ErrorOut,
    FieldOut,
    OrganisationListQuery,
    OrganisationOut,
    OrganisationPageOut,
    OrganisationPatchIn,
    PartnerLinkOut,
    RegionsOut,
    RegistryProgrammeOut,
    SearchQuery,
    StateOut,
    StatisticsOut,
    TallyOut,
)

router = Router(tags=["registry"])

# Organisations an export holds at most (a filtered export is a search: its result cap).
EXPORT_LIMIT = 50_000


def _invalid(form: SearchForm) -> JsonResponse:
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    body = ErrorOut(detail=_("The parameters are not valid."), errors=errors)
    return JsonResponse(body.model_dump(), status=400)


def _matching_ids(form: SearchForm, *, page: int, page_size: int) -> tuple[list[int], int]:
    """Ids of the organisations a search selects, in its order (by name without words), and
    the total: the same filters and engine as the portal's directory."""
    params = form.params()
    params = dataclasses.replace(
        params,
        filters={**params.filters, "type": (SearchDocument.Kind.ORGANISATION,)},
        sort=params.sort if params.q or "sort" in form.data else "name",
        page=page,
        page_size=page_size,
        with_facets=False,
    )
    results = search_queries.search(params, hint=False, max_page_size=max(page_size, 1))
    return [hit.object_id for hit in results.hits], results.total


def _records(ids: list[int], request: HttpRequest, fields: list[str]) -> list[dict]:
    """The records of the given organisations, in the given order."""
    organisations = registry_services.organisations_for_records().filter(pk__in=ids)
    order = {pk: position for position, pk in enumerate(ids)}
    return [
        exports.organisation_json(organisation, request, fields=fields)
        for organisation in sorted(organisations, key=lambda o: order[o.pk])
    ]


@router.get(
    "/organisations",
    response={200: OrganisationPageOut, 400: ErrorOut},
    summary="Organisations",
    exclude_none=False,
)
def organisation_list(
    request: HttpRequest, response: HttpResponse, params: Query[OrganisationListQuery]
):
    """Published organisations, filtered like the portal's directory (words and facets),
    ordered by name (by relevance when words are given), with page links. `fields` selects
    the record's fields (sparse fieldsets), e.g. `fields=slug,name,country`."""
    form = SearchForm(request.GET)
    fields = exports.requested_fields(request.GET.get("fields", ""))
    if not form.is_valid():
        return _invalid(form)
    if fields is None:
        body = ErrorOut(
            detail=_("The parameters are not valid."),
            errors={"fields": [_("Unknown field names; see the record format.")]},
        )
        return JsonResponse(body.model_dump(), status=400)
    set_last_modified(response, registry_queries.organisations_last_changed())
    page = form.cleaned_data.get("page") or 1
    page_size = form.cleaned_data.get("page_size") or search_queries.DEFAULT_PAGE_SIZE
    ids, total = _matching_ids(form, page=page, page_size=page_size)
    return page_body(
        request,
        page=page,
        page_size=page_size,
        total=total,
        results=_records(ids, request, fields),
        licence=LICENCE,
    )


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationOut, 404: ErrorOut},
    summary="One organisation",
    exclude_none=False,
)
def organisation_detail(request: HttpRequest, response: HttpResponse, slug: str):
    """An organisation's full record: facts, fields, competences, programmes with years,
    partner countries and partner organisations, its sources and the data licence."""
    organisation = (
        registry_services.organisations_for_records()
        .filter(slug=slug, status=Organisation.Status.PUBLISHED)
        .first()
    )
    if organisation is None:
        return Status(404, ErrorOut(detail=_("No published organisation has this key.")))
    set_last_modified(response, organisation.updated_at)
    return exports.organisation_json(organisation, request, fields=list(COLUMNS), detail=True)


@router.patch(
    "/organisations/{slug}",
    response={200: OrganisationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=[TokenAuth(), session_auth],
    summary="Update an organisation's profile",
    exclude_none=False,
)
def organisation_update(request: HttpRequest, slug: str, changes: OrganisationPatchIn):
    """A manager changes the own organisation's profile: the columns sent replace the stored
    ones, the others stay. An API token issued for the organisation (Authorization: Bearer
    cs_…) or a signed-in session with its CSRF token (X-CSRFToken). The registry's record
    rules check the whole result, as for the profile form and imports: 422 names each
    column that breaks one, and then nothing is written. Answers the record as saved."""
    organisation = registry_services.organisations_for_records().filter(slug=slug).first()
    if organisation is None:
        return Status(404, ErrorOut(detail=_("No organisation has this key.")))
    if isinstance(request.auth, ApiToken):
        require_token_for(request, organisation)
    elif not permissions.can_manage_organisation(request.user, organisation):
        return Status(403, ErrorOut(detail=_("You may not change this organisation.")))
    record = {**record_from_organisation(organisation), **changes.model_dump(exclude_unset=True)}
    try:
        saved, _outcome = registry_services.save_organisation_record(record, by=request.user)
    except RecordInvalid as invalid:
        body = ErrorOut(detail=_("The profile is not valid."), errors=invalid.errors)
        return Status(422, body)
    saved = registry_services.organisations_for_records().get(pk=saved.pk)
    return exports.organisation_json(saved, request, fields=list(COLUMNS), detail=True)


@router.get(
    "/exports/organisations",
    summary="Export organisations (CSV, JSON, XLSX)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment.",
                "content": {
                    media_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                    for media_type in exports.FORMATS.values()
                },
            },
            400: {
                "description": "Unknown format or search parameters that are not valid.",
                "content": {"application/json": {"schema": ERROR_REF}},
            },
        }
    },
)
def export_organisations(request: HttpRequest, params: Query[SearchQuery], format: str = "csv"):
    """Every published organisation, or those a search selects (the same parameters as
    `/organisations`), as a file in the import format: `format=csv`, `json` or `xlsx`.
    Licence: CC BY 4.0, naming clusterscape and each record's sources."""
    if format not in exports.FORMATS:
        body = ErrorOut(
            detail=_("Unknown format."), errors={"format": [_("Use csv, json or xlsx.")]}
        )
        return JsonResponse(body.model_dump(), status=400)
    form = SearchForm(request.GET)
    if not form.is_valid():
        return _invalid(form)
    ids, _total = _matching_ids(form, page=1, page_size=EXPORT_LIMIT)
    queryset = Organisation.objects.filter(pk__in=ids)
    if format == "xlsx":
        content = exports.organisations_xlsx(registry_services.organisation_records(queryset))
    else:
        stream = io.StringIO()
        registry_services.export_organisations(stream, file_format=format, queryset=queryset)
        content = stream.getvalue().encode()
    response = HttpResponse(content, content_type=exports.FORMATS[format])
    response["Content-Disposition"] = f'attachment; filename="organisations.{format}"'
    return response


@router.get("/fields", response=list[FieldOut], summary="Fields (taxonomy)")
def field_list(request: HttpRequest):
    """The two-level taxonomy of fields with labels in both languages and synonyms; areas
    first, each followed by its fields, with the number of published organisations."""
    counts = {
        f.pk: n
        for f, n in [*registry_queries.fields_with_counts(), *registry_queries.areas_with_counts()]
    }
    fields = Field.objects.select_related("parent").order_by("position", "slug")
    areas = [f for f in fields if f.parent_id is None]
    ordered = []
    for area in areas:
        ordered.append(area)
        ordered.extend(f for f in fields if f.parent_id == area.pk)
    return [exports.field_json(f, counts.get(f.pk, 0), request) for f in ordered]


@router.get("/regions", response=RegionsOut, summary="Countries and German states")
def region_list(request: HttpRequest):
    """Countries with published organisations, and the 16 German states, with counts."""
    return {
        "countries": [
            CountryOut(
                code=country.code,
                name=country.name,
                name_de=country.name_de,
                name_en=country.name_en,
                organisations=count,
            )
            for country, count in registry_queries.countries_with_counts()
        ],
        "states": [
            StateOut(
                code=state.code,
                nuts_code=state.nuts_code,
                slug=state.slug,
                name=state.name,
                organisations=count,
                url=request.build_absolute_uri(reverse("registry:state-detail", args=[state.slug])),
            )
            for state, count in sorted(
                registry_queries.states_with_counts(), key=lambda item: item[0].code
            )
        ],
    }


@router.get("/programmes", response=list[RegistryProgrammeOut], summary="Programmes and rounds")
def programme_list(request: HttpRequest):
    """Programmes and labels with their rounds (years) and the organisations of each."""
    return [
        exports.programme_json(programme, request)
        for programme in Programme.objects.order_by("position", "slug")
    ]


@router.get("/partnerships", response=list[PartnerLinkOut], summary="Known partnerships")
def partnership_list(request: HttpRequest, response: HttpResponse):
    """Partnerships between published organisations that a source states."""
    # a link is written with its organisations (an import or a merge updates both)
    set_last_modified(response, registry_queries.organisations_last_changed())
    links = (
        PartnerLink.objects.filter(
            source__status=Organisation.Status.PUBLISHED,
            target__status=Organisation.Status.PUBLISHED,
        )
        .select_related("source", "target")
        .order_by("source__slug", "target__slug", "pk")
    )
    return [exports.partnership_json(link) for link in links]


@router.get("/statistics", response=StatisticsOut, summary="The landscape in figures")
def statistics(request: HttpRequest):
    """Headline figures and counts by kind, German state, area, programme and country."""

    def tallies(rows) -> list[TallyOut]:
        return [TallyOut(key=key, label=label, count=count) for key, label, count in rows]

    return {
        "figures": registry_queries.landscape_figures(),
        "by_state": tallies(
            (state.code, state.name, n) for state, n in registry_queries.states_with_counts()
        ),
        "by_area": tallies(
            (area.slug, area.name, n) for area, n in registry_queries.areas_with_counts()
        ),
        "by_programme": tallies(
            (p.slug, p.name, n) for p, n in registry_queries.programmes_with_counts()
        ),
        "by_country": tallies(
            (c.code, c.name, n) for c, n in registry_queries.countries_with_counts()
        ),
        "licence": LICENCE,
    }
