"""Events as iCalendar (RFC 5545): one event's "add to calendar" file and the feeds.

Times are written in the event's own time zone (DTSTART;TZID=Europe/Berlin:…) with a
VTIMEZONE for every zone used, limited to the years the events span; the icalendar package
writes CRLF line ends and folds long lines.
"""

import datetime
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent

from .models import Event

PRODID = "-//clusterscape//content events//EN"
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_uid(event: Event, host: str) -> str:
    """Stable across edits and renames: the primary key with the site's host."""
    return f"event-{event.pk}@{host}"


def calendar_event(event: Event, *, request: HttpRequest, stamp: datetime.datetime):
    zone = zoneinfo.ZoneInfo(event.time_zone)
    entry = CalendarEvent()
    entry.add("uid", event_uid(event, request.get_host().split(":")[0]))
    entry.add("dtstamp", stamp)
    entry.add("dtstart", event.starts_at.astimezone(zone))
    entry.add("dtend", event.ends_at.astimezone(zone))
    entry.add("summary", event.title)
    description = event.summary
    if event.organiser is not None:
        description = f"{event.organiser.name}: {description}"
    if event.body:
        description = f"{description}\n\n{strip_tags(event.body)}"
    entry.add("description", description)
    location = ", ".join(
        part
        for part in (event.venue, event.city, event.country.name if event.country else "")
        if part
    )
    if location:
        entry.add("location", location)
    elif event.online_url:
        entry.add("location", event.online_url)
    if event.latitude is not None and event.longitude is not None:
        entry.add("geo", (event.latitude, event.longitude))
    entry.add("url", request.build_absolute_uri(event.get_absolute_url()))
    entry.add("categories", [event.get_kind_display()])
    entry.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    return entry


def calendar_of(events: Iterable[Event], *, request: HttpRequest, name: str) -> Calendar:
    events = list(events)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    for event in events:
        cal.add_component(calendar_event(event, request=request, stamp=stamp))
    if events:
        first = min(event.starts_at for event in events).date()
        last = max(event.ends_at for event in events).date()
        cal.add_missing_timezones(
            first_date=first.replace(month=1, day=1),
            last_date=last.replace(year=last.year + 1, month=1, day=1),
        )
    else:
        # RFC 5545 asks for at least one component: an empty feed carries the site's zone.
        today = timezone.localdate()
        cal.add_component(
            Timezone.from_tzinfo(
                zoneinfo.ZoneInfo(settings.TIME_ZONE),
                first_date=today.replace(month=1, day=1),
                last_date=today.replace(year=today.year + 1, month=1, day=1),
            )
        )
    return cal


def ics_response(cal: Calendar, filename: str, *, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(cal.to_ical(), content_type=ICS_CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
