"""Pages of a list, the same for every list of the API: count, page, page size, pages and
absolute links to the next and previous page that keep every other parameter."""

from typing import Any

from django.http import HttpRequest


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
