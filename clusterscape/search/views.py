from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clusterscape.core.pagination import query_without

from . import queries
from .forms import SearchForm


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
            {"name": name, "label": form[name].label, "values": results.facets[name]}
            for name in queries.FACETS
            if results is not None and results.facets[name] and name not in hidden_facets
        ],
        "query_string": query_without(request, "page"),
        "action_url": request.path,
    }


def _error_list(form: SearchForm) -> list[tuple[str, str, str]]:
    """(field label, field id, message) of each error, for a list that links to fields."""
    items = []
    for name, errors in form.errors.items():
        bound = form[name] if name in form.fields else None
        label, field_id = (bound.label, bound.id_for_label) if bound else ("", "")
        items.extend((label, field_id, error) for error in errors)
    return items
