from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import queries


def home(request: HttpRequest) -> HttpResponse:
    organisations = queries.published_organisations_for_listing()
    return render(
        request,
        "registry/home.html",
        {"organisations": organisations, "figures": queries.landscape_figures()},
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(queries.published_organisations_for_detail(), slug=slug)
    return render(request, "registry/organisation_detail.html", {"organisation": organisation})
