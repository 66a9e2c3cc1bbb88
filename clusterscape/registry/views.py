import contextlib
import dataclasses
import hashlib
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterscape.core.cache import public_pages_generation, remember
from clusterscape.core.i18n import current_language
from clusterscape.core.pagination import query_without
from clusterscape.search import queries as search_queries
from clusterscape.search.forms import SearchForm
from clusterscape.search.models import SearchDocument
from clusterscape.search.views import results_context

from . import queries, services
from .forms import CorrectionForm
from .models import Competence, Field, Organisation, Programme, State


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/home.html", remember("home-figures", _home_figures))


def _home_figures() -> dict:
    """The home page's figures and charts (aggregates over every organisation)."""
    return {
        "by_country": [
            queries.Tally(
                country.name,
                count,
                f"{reverse('registry:directory')}?country={country.code}",
            )
            for country, count in queries.countries_with_counts()
        ],
        "figures": queries.landscape_figures(),
        "by_kind": queries.organisations_by_kind(),
        "by_state": [
            queries.Tally(state.name, count, reverse("registry:state-detail", args=[state.slug]))
            for state, count in queries.states_with_counts()
        ],
        "by_area": [
            queries.Tally(area.name, count, reverse("registry:field-detail", args=[area.slug]))
            for area, count in queries.areas_with_counts()
        ],
        "by_programme": [
            queries.Tally(
                programme.name,
                count,
                reverse("registry:programme-detail", args=[programme.slug]),
            )
            for programme, count in queries.programmes_with_counts()
            if count
        ],
    }


# The most markers one map shows (the first results by the directory's order).
MAP_MARKER_LIMIT = 10_000


def map_markers(request: HttpRequest) -> HttpResponse:
    """Published organisations as map markers, loaded by core/map.js after the page, so
    pages stay small however many organisations there are: all of them for the home page,
    or the results of a directory search when its parameters are given (the directory's map
    view). Compact JSON — {"url": profile URL with "{slug}", "markers": [[lat, lon,
    approximate, name, slug, place], …]} — built once per language, search and state of the
    data (the public-page cache generation), gzipped when the browser accepts it, and
    answered with 304 when the browser has it."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    query = urlencode(
        sorted((k, v) for k, v in request.GET.lists() if k not in ("view", "page")), doseq=True
    )
    digest = hashlib.sha256(query.encode()).hexdigest()
    key = f"map-markers:{current_language()}:{public_pages_generation()}:{digest}"
    try:
        cached = cache.get(key)
    except Exception:  # a cache outage makes the map slower, never an error
        cached = None
    if cached is None:
        ids = _map_result_ids(form) if query else None
        url = reverse("registry:organisation-detail", kwargs={"slug": "slug"})
        document = {"url": url.replace("/slug/", "/{slug}/"), "markers": queries.map_places(ids)}
        content = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
        cached = (content, compress_string(content))
        with contextlib.suppress(Exception):
            cache.set(key, cached, timeout=24 * 3600)
    content, compressed = cached
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(content, content_type="application/json")
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, max_age=300)
    return response


def _map_result_ids(form: SearchForm) -> list[int]:
    """The organisations a directory search selects, in its order (at most the limit)."""
    params = form.params()
    results = search_queries.search(
        dataclasses.replace(
            params,
            filters={**params.filters, "type": (SearchDocument.Kind.ORGANISATION,)},
            page=1,
            page_size=MAP_MARKER_LIMIT,
            with_facets=False,
        ),
        hint=False,
        max_page_size=MAP_MARKER_LIMIT,
    )
    return [hit.object_id for hit in results.hits]


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = queries.published_organisations_for_detail().filter(slug=slug).first()
    if organisation is None:
        merged = queries.merged_organisation_target(slug)
        if merged is None:
            raise Http404
        return redirect(merged.get_absolute_url(), permanent=True)
    return render_profile(request, organisation, CorrectionForm())


@require_POST
def organisation_correction(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(queries.published_organisations_for_detail(), slug=slug)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.suggest_correction(
                organisation,
                message=form.cleaned_data["message"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Thank you. The editors will check your correction against sources.")
            )
            return redirect(f"{organisation.get_absolute_url()}#correction")
    return render_profile(request, organisation, form, status=400)


def render_profile(
    request: HttpRequest, organisation: Organisation, form: CorrectionForm, *, status: int = 200
) -> HttpResponse:
    competences = organisation.competences.all()
    members = [
        queries.Tally(str(Organisation._meta.get_field(name).verbose_name), value)
        for name in Organisation.MEMBER_FIELDS
        if (value := getattr(organisation, name)) is not None
    ]
    description, description_language = organisation_description(organisation)
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "organisation": organisation,
            "description": description,
            "description_language": description_language,
            "summary": organisation_summary(organisation),
            "json_ld": organisation_json_ld(request, organisation),
            "offers": [c for c in competences if c.direction == Competence.Direction.OFFERS],
            "seeks": [c for c in competences if c.direction == Competence.Direction.SEEKS],
            "members": members,
            "partners": queries.partners_of(organisation),
            "correction_form": form,
        },
        status=status,
    )


def organisation_description(organisation: Organisation) -> tuple[str, str]:
    """The description in the visitor's language, else the other one, with its language."""
    language = current_language()
    for candidate in (language, "en" if language == "de" else "de"):
        text = getattr(organisation, f"description_{candidate}")
        if text:
            return text, candidate
    return "", language


def organisation_summary(organisation: Organisation) -> str:
    """One sentence from the profile's facts, for the page's description and the lead, in the
    visitor's language. It states only what the profile holds."""
    place = ", ".join(
        part
        for part in (
            organisation.city,
            ", ".join(state.name for state in organisation.states.all()),
            organisation.country.name if not organisation.states.all() else "",
        )
        if part
    )
    fields = ", ".join(field.name for field in organisation.fields.all())
    values = {
        "name": organisation.display_name,
        "kind": organisation.get_kind_display(),
        "place": place,
        "fields": fields,
    }
    if fields:
        return _("%(name)s: %(kind)s in %(place)s, working on %(fields)s.") % values
    return _("%(name)s: %(kind)s in %(place)s.") % values


def organisation_json_ld(request: HttpRequest, organisation: Organisation) -> dict:
    """schema.org Organization data for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": organisation.name,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "addressCountry": organisation.country_id,
            **({"addressLocality": organisation.city} if organisation.city else {}),
        },
        "knowsAbout": [field.name for field in organisation.fields.all()],
        "subjectOf": [source.url for source in organisation.sources.all()],
    }
    if organisation.short_name:
        data["alternateName"] = organisation.short_name
    if organisation.website:
        data["sameAs"] = [organisation.website]
    if organisation.founding_year:
        data["foundingDate"] = str(organisation.founding_year)
    description, _language = organisation_description(organisation)
    if description:
        data["description"] = description
    if organisation.latitude is not None:
        data["location"] = {
            "@type": "Place",
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": organisation.latitude,
                "longitude": organisation.longitude,
            },
        }
    return data


def state_list(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/state_list.html", {"states": queries.states_with_counts()})


def state_detail(request: HttpRequest, slug: str) -> HttpResponse:
    state = get_object_or_404(State, slug=slug)
    organisations = queries.organisations_in_state(state)
    return render(
        request,
        "registry/state_detail.html",
        {
            "state": state,
            "organisations": organisations,
            "figures": queries.landscape_figures(organisations),
        },
    )


def field_list(request: HttpRequest) -> HttpResponse:
    fields_by_area: dict[int, list] = {}
    for field, count in queries.fields_with_counts():
        if field.parent_id is not None:
            fields_by_area.setdefault(field.parent_id, []).append((field, count))
    areas = [
        (area, count, fields_by_area.get(area.pk, []))
        for area, count in queries.areas_with_counts()
    ]
    return render(request, "registry/field_list.html", {"areas": areas})


def field_detail(request: HttpRequest, slug: str) -> HttpResponse:
    field = get_object_or_404(Field.objects.select_related("parent"), slug=slug)
    organisations = queries.organisations_in_field(field)
    return render(
        request,
        "registry/field_detail.html",
        {
            "field": field,
            "children": queries.fields_with_counts(field) if field.parent_id is None else [],
            "organisations": organisations,
            "figures": queries.landscape_figures(organisations),
        },
    )


def programme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/programme_list.html",
        {"programmes": queries.programmes_with_counts()},
    )


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("country", "state"), slug=slug)
    return render(
        request,
        "registry/programme_detail.html",
        {
            "programme": programme,
            "rounds": queries.programme_rounds(programme),
            "source_urls": programme.source_urls.split(),
        },
    )


# The organisations without a website the data page names (the rest are counted).
GAP_NAMES_SHOWN = 200


def about_data(request: HttpRequest) -> HttpResponse:
    coverage = queries.data_coverage()
    state_tallies = [
        queries.Tally(state.name, count, reverse("registry:state-detail", args=[state.slug]))
        for state, count in coverage.by_state
    ]
    without_website = list(queries.organisations_lacking("website")[:GAP_NAMES_SHOWN])
    return render(
        request,
        "registry/about_data.html",
        {
            "coverage": coverage,
            "state_tallies": state_tallies,
            "without_website": without_website,
            "not_shown": coverage.missing["website"] - len(without_website),
        },
    )


DIRECTORY_VIEWS = ("list", "map")
UNFILTERED_DIRECTORY = search_queries.SearchParams(
    filters={"type": (SearchDocument.Kind.ORGANISATION,)}, type_counts=False
)


def directory(request: HttpRequest) -> HttpResponse:
    """All organisations, narrowed by search and facets; a list or a map of the results.

    The search index answers (one engine for the directory, the search page and the API);
    every state is in the URL, and HTMX requests get only the results part.
    """
    form = SearchForm(request.GET)
    view = request.GET.get("view") if request.GET.get("view") in DIRECTORY_VIEWS else "list"
    results = None
    if form.is_valid():
        params = form.params()
        params = dataclasses.replace(
            params,
            filters={**params.filters, "type": (SearchDocument.Kind.ORGANISATION,)},
            type_counts=False,  # organisations only: no type facet
        )
        if params == UNFILTERED_DIRECTORY:
            # the whole landscape, first page: the same for everyone until the data change
            results = remember("directory", lambda: search_queries.search(params))
        else:
            results = search_queries.search(params)
    context = results_context(request, form, results, hidden_facets=("type", "language"))
    context["view"] = view
    context["view_query"] = query_without(request, "view", "page")
    if results is not None and view == "map":
        markers_query = query_without(request, "view", "page")
        context["markers_url"] = reverse("registry:map-markers") + (
            f"?{markers_query}" if markers_query else ""
        )
    template = (
        "registry/partials/directory_results.html" if request.htmx else "registry/directory.html"
    )
    status = 400 if results is None and not request.htmx else 200
    return render(request, template, context, status=status)
