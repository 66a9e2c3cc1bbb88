"""Pages of the funding app: public programme, round, schedule and indicator pages with
their exports; the working pages for officers, reviewers and cluster managers are in
views_work.py."""

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import exports, queries, schedule
from .models import FundingProgramme, Round


def _programme(slug: str) -> FundingProgramme:
    return get_object_or_404(FundingProgramme.objects.select_related("programme"), slug=slug)


def programme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "funding/programme_list.html", {"programmes": queries.public_programmes()}
    )


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    return render(
        request,
        "funding/programme_detail.html",
        {"programme": programme, "rounds": queries.rounds_with_counts(programme)},
    )


def round_detail(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    round = get_object_or_404(
        Round.objects.select_related("programme"), programme__slug=slug, year=year
    )
    return render(
        request,
        "funding/round_detail.html",
        {
            "round": round,
            "programme": round.programme,
            "applications": list(queries.selected_applications(round=round)),
            "criteria": list(round.criteria.all()),
        },
    )


def _today(request: HttpRequest) -> datetime.date:
    return timezone.localdate()


def _chart(programme: FundingProgramme, request: HttpRequest) -> schedule.Layout:
    return schedule.layout(programme, queries.schedule_grants(programme), today=_today(request))


def schedule_page(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    return render(
        request,
        "funding/schedule.html",
        {"programme": programme, "chart": _chart(programme, request)},
    )


def _schedule_title(programme: FundingProgramme) -> str:
    return _("Schedule of the funded clusters – %(programme)s") % {"programme": programme.name}


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def schedule_png(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    content = schedule.render_png(_chart(programme, request), title=_schedule_title(programme))
    return _download(content, "image/png", f"{slugify(programme.slug)}-schedule.png")


def schedule_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    content = schedule.render_pdf(_chart(programme, request), title=_schedule_title(programme))
    return _download(content, "application/pdf", f"{slugify(programme.slug)}-schedule.pdf")


def indicators_page(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    data = queries.indicators(programme)
    headers, rows = exports.round_table(data)
    return render(
        request,
        "funding/indicators.html",
        {
            "programme": programme,
            "data": data,
            "round_headers": headers,
            "round_rows": rows,
            "stage_rows": data.by_stage,
            "country_rows": [(country.name, count) for country, count in data.by_country],
            "selected_rows": [(str(row.year), row.selected) for row in data.rounds],
            "partnership_rows": [(str(row.year), row.partnerships) for row in data.rounds],
            "funded_rows": [(str(year), count) for year, count in data.funded_by_year],
            "country_places": [
                queries.CountryPlace(country, count) for country, count in data.by_country
            ],
        },
    )


def indicators_csv(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    content = exports.indicators_csv(queries.indicators(programme))
    return _download(content, "text/csv; charset=utf-8", f"{programme.slug}-indicators.csv")


def indicators_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    content = exports.indicators_xlsx(queries.indicators(programme))
    return _download(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{programme.slug}-indicators.xlsx",
    )
