"""Links between the pages of a list: the page's query string without the parameters a
link sets itself."""

from django.http import HttpRequest


def query_without(request: HttpRequest, *names: str) -> str:
    """The request's query string without the named parameters, for links that add their
    own (`?{query}&page=2`)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
