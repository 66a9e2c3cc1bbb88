"""Pages of a list, the same for every list of the API: count, page, page size, pages and
absolute links to the next and previous page that keep every other parameter."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from clusterscape.search.forms import MAX_PAGE
from clusterscape.search.queries import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

from .schemas import ErrorOut


def page_link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page_body(
    request: HttpRequest, *, page: int, page_size: int, total: int, results: list, **extra: Any
) -> dict[str, Any]:
    """The answer of a list: its page of results with the counts and links. A page past
    the last is empty and links back to the last one."""
    pages = max(1, -(-total // page_size))
    return {
        "count": total,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": page_link(request, page + 1) if page < pages else None,
        "previous": page_link(request, page - 1) if 1 < page <= pages + 1 else None,
        **extra,
        "results": results,
    }


class PageForm(forms.Form):
    """`page` (1 to 1000) and `page_size` (default 20, capped at 100) of a list."""

    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    page_size = forms.IntegerField(required=False, min_value=1)

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1

    def clean_page_size(self) -> int:
        size = self.cleaned_data["page_size"] or DEFAULT_PAGE_SIZE
        return min(size, MAX_PAGE_SIZE)


def paged(
    request: HttpRequest, items: QuerySet, present: Callable[[Any], dict], **extra: Any
) -> dict[str, Any] | JsonResponse:
    """One page of the items (a queryset in a stable order) as page_body, each presented;
    or the 400 naming `page` or `page_size` when they are not valid."""
    form = PageForm(request.GET)
    if not form.is_valid():
        body = ErrorOut(
            detail=_("The parameters are not valid."),
            errors={name: [str(m) for m in messages] for name, messages in form.errors.items()},
        )
        return JsonResponse(body.model_dump(), status=400)
    page, page_size = form.cleaned_data["page"], form.cleaned_data["page_size"]
    total = items.count()
    offset = (page - 1) * page_size
    results = [present(item) for item in items[offset : offset + page_size]]
    return page_body(request, page=page, page_size=page_size, total=total, results=results, **extra)
