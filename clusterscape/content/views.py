"""Public pages of content: news, the events calendar, funding calls, projects."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import date_format

from clusterscape.core.cache import public_page
from clusterscape.core.pagination import query_without

from . import calendars, queries
from .forms import EventFilterForm, ListFilterForm
from .models import Event

PAGE_SIZE = 20


def _filtered(request: HttpRequest, queryset: QuerySet, form_class=ListFilterForm):
    """Apply the GET filters (field, country, kind, organisation) a list page offers."""
    form = form_class(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("field"):
            queryset = queries.in_field(queryset, data["field"])
        if data.get("organisation"):
            queryset = queries.by_organisation(queryset, data["organisation"])
        if data.get("country"):
            queryset = queryset.filter(country=data["country"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
    return form, queryset


def _page(request: HttpRequest, queryset: QuerySet):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# News


@public_page
def news_list(request: HttpRequest) -> HttpResponse:
    form, news = _filtered(request, queries.public_news())
    return render(
        request,
        "content/news_list.html",
        {"page": _page(request, news), "form": form, "query": query_without(request, "page")},
    )


@public_page
def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(queries.public_news(), slug=slug)
    translations = (
        queries.public_news().filter(translation_key=item.translation_key).exclude(pk=item.pk)
    )
    return render(request, "content/news_detail.html", {"item": item, "translations": translations})


# Events


@public_page
def event_list(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request, queries.upcoming_events(), EventFilterForm)
    return render(
        request,
        "content/event_list.html",
        {
            "page": _page(request, events),
            "form": form,
            "query": query_without(request, "page"),
            "filter_query": query_without(request, "page", "month"),
        },
    )


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    events: list[Event] = field(default_factory=list)


def _month_of(request: HttpRequest) -> datetime.date:
    value = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in value.split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.replace(day=1)


@public_page
def event_calendar(request: HttpRequest) -> HttpResponse:
    """The month as a table of weeks: each day lists the events that take place on it (in
    the event's own time zone)."""
    month = _month_of(request)
    weeks_of_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    first, last = weeks_of_dates[0][0], weeks_of_dates[-1][-1]
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, zone) - datetime.timedelta(days=1)
    end = datetime.datetime.combine(last, datetime.time.max, zone) + datetime.timedelta(days=1)
    form, events = _filtered(request, queries.events_between(start, end), EventFilterForm)
    today = timezone.localdate()
    days = {
        date: Day(date, date.month == month.month, date == today)
        for week in weeks_of_dates
        for date in week
    }
    month_events = []
    for event in events:
        date = event.local_start.date()
        while date <= event.local_end.date():
            if date in days:
                days[date].events.append(event)
            date += datetime.timedelta(days=1)
        if event.local_start.date() <= last and event.local_end.date() >= first:
            month_events.append(event)
    previous_month = (month - datetime.timedelta(days=1)).replace(day=1)
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    filter_query = query_without(request, "month", "page")
    return render(
        request,
        "content/event_calendar.html",
        {
            "month": month,
            "month_label": f"{MONTHS[month.month]} {month.year}",
            "weeks": [[days[date] for date in week] for week in weeks_of_dates],
            "weekdays": [
                (date_format(date, "l"), date_format(date, "D")) for date in weeks_of_dates[0]
            ],
            "previous_month": previous_month,
            "next_month": next_month,
            "form": form,
            "filter_query": filter_query,
            "has_events": any(
                day.events for week in weeks_of_dates for day in [days[d] for d in week]
            ),
        },
    )


@public_page
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(queries.public_events(), slug=slug)
    return render(request, "content/event_detail.html", {"event": event})


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """The event as an iCalendar file, to add it to one's own calendar."""
    event = get_object_or_404(queries.public_events(), slug=slug)
    return calendars.ics_response(
        calendars.calendar_of([event], request=request, name=event.title), f"{event.slug}.ics"
    )


# Funding calls


@public_page
def call_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form, calls = _filtered(request, queries.open_calls(now))
    calls = list(calls)
    soon = now + datetime.timedelta(days=queries.CLOSING_SOON_DAYS)
    return render(
        request,
        "content/call_list.html",
        {
            "calls": calls,
            "closing_soon": [call for call in calls if call.next_deadline_at <= soon],
            "form": form,
            "closing_soon_days": queries.CLOSING_SOON_DAYS,
        },
    )


@public_page
def call_archive(request: HttpRequest) -> HttpResponse:
    form, calls = _filtered(request, queries.past_calls())
    return render(
        request,
        "content/call_archive.html",
        {"page": _page(request, calls), "form": form, "query": query_without(request, "page")},
    )


@public_page
def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = get_object_or_404(queries.public_calls(), slug=slug)
    now = timezone.now()
    return render(
        request,
        "content/call_detail.html",
        {
            "call": call,
            "is_open": call.last_deadline_at is not None and call.last_deadline_at >= now,
            "now": now,
        },
    )


# Projects


@public_page
def project_list(request: HttpRequest) -> HttpResponse:
    form, projects = _filtered(request, queries.public_projects())
    return render(
        request,
        "content/project_list.html",
        {"page": _page(request, projects), "form": form, "query": query_without(request, "page")},
    )


@public_page
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(
        queries.public_projects().prefetch_related("partners__organisation", "partners__country"),
        slug=slug,
    )
    return render(request, "content/project_detail.html", {"project": project})
