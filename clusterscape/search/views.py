from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clusterscape.core.pagination import query_without

from . import queries
from .forms import SearchForm

# A facet with more values than FACET_LIST_LIMIT shows its FACET_VALUES_SHOWN most frequent
# ones (and any chosen) with a link to all of them (`more=<facet>`, which the URL keeps): 344
# programme rounds are no list to choose from, and rendering them was most of a directory
# page's time.
FACET_LIST_LIMIT = 20
FACET_VALUES_SHOWN = 12


def search_results(request: HttpRequest) -> HttpResponse:
    """The global search page; HTMX requests get the results partial only.

    Bad input is a 400 with the form's messages. HTMX swaps only successful responses, so
    its partial comes with 200 and the messages in place of the results.
    """
    form = SearchForm(request.GET)
    results = queries.search(form.params()) if form.is_valid() else None
    template = "search/partials/results.html" if request.htmx else "search/results.html"
    status = 400 if results is None and not request.htmx else 200
    return render(request, template, results_context(request, form, results), status=status)


def results_context(
    request: HttpRequest,
    form: SearchForm,
    results: queries.SearchResults | None,
    *,
    hidden_facets: tuple[str, ...] = (),
) -> dict:
    """What the results partial shows; the directory page shares it."""
    return {
        "form": form,
        "results": results,
        "errors": _error_list(form),
        "facet_groups": [
            _facet_group(request, name, form[name].label, results.facets[name])
            for name in queries.FACETS
            if results is not None and results.facets[name] and name not in hidden_facets
        ],
        "query_string": query_without(request, "page"),
        "action_url": request.path,
    }


def _facet_group(
    request: HttpRequest, name: str, label: str, values: list[queries.FacetValue]
) -> dict:
    """A facet's values as its list shows them, and the query of the link that shows all of
    them (`toggle_query`, or the one that shows fewer again when `expanded`; None when the
    list is short)."""
    group = {"name": name, "label": label, "values": values, "total": len(values)}
    if len(values) <= FACET_LIST_LIMIT:
        return group | {"expanded": False, "toggle_query": None}
    expanded = name in request.GET.getlist("more")
    if not expanded:
        group["values"] = [
            item for rank, item in enumerate(values) if rank < FACET_VALUES_SHOWN or item.selected
        ]
    params = request.GET.copy()
    params.pop("page", None)
    more = [other for other in params.getlist("more") if other != name]
    params.setlist("more", more if expanded else [*more, name])
    return group | {"expanded": expanded, "toggle_query": params.urlencode()}


def _error_list(form: SearchForm) -> list[tuple[str, str, str]]:
    """(field label, field id, message) of each error, for a list that links to fields."""
    items = []
    for name, errors in form.errors.items():
        bound = form[name] if name in form.fields else None
        label, field_id = (bound.label, bound.id_for_label) if bound else ("", "")
        items.extend((label, field_id, error) for error in errors)
    return items
