"""GET /api/v1/search and /api/v1/search/suggest."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from clusterscape.search import queries
from clusterscape.search.forms import SearchForm

from ..schemas import ErrorOut, SearchOut, SearchQuery, SuggestionOut

router = Router(tags=["search"])


@router.get("/search", response={200: SearchOut, 400: ErrorOut}, summary="Search")
def search(request: HttpRequest, params: Query[SearchQuery]):
    """Search organisations (and, as they land, news, events, calls, projects): words,
    filters, facet counts under the other active filters, pages."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        errors = {
            name: [str(message) for message in messages] for name, messages in form.errors.items()
        }
        body = ErrorOut(detail=_("The search parameters are not valid."), errors=errors)
        return JsonResponse(body.model_dump(), status=400)
    results = queries.search(form.params())
    return {
        "q": results.params.q,
        "total": results.total,
        "page": results.params.page,
        "page_size": results.params.page_size,
        "pages": results.pages,
        "hits": results.hits,
        "facets": results.facets,
        "did_you_mean": results.did_you_mean or None,
        "relaxed": results.relaxed,
        "ignored": form.ignored,
        "facets_estimated": results.facets_estimated,
        "total_estimated": results.total_estimated,
    }


@router.get("/search/suggest", response=list[SuggestionOut], summary="Suggestions")
def suggest(request: HttpRequest, q: str = "", limit: int = queries.MAX_SUGGESTIONS):
    """Names and taxonomy terms for what is being typed (at most 10)."""
    return queries.suggest(q, limit=limit)
