"""A brokerage event's indicators as CSV: the figures of the event page and the organiser's
dashboard (participants, requests by status, meetings booked and held, outcomes by kind,
participants by country) in one table of rows, labels in the reader's language and a stable
code per indicator for analysts."""

import csv
import io

from django.utils.translation import gettext as _

from clusterscape.registry.models import Country

from .brokerage_models import BrokerageEvent, MeetingOutcome, MeetingRequest
from .brokerage_queries import indicators


def indicator_rows(brokerage: BrokerageEvent) -> list[list]:
    """Rows of (indicator, key, label, count)."""
    figures = indicators(brokerage)
    status_labels = dict(MeetingRequest.Status.choices)
    codes = [code for code, _count in figures["countries"] if code]
    names = {country.code: country.name for country in Country.objects.filter(code__in=codes)}
    rows = [
        ["participants", "", _("Participants"), figures["participants"]],
        ["requests", "", _("Meeting requests"), figures["requests"]],
    ]
    rows += [
        ["requests-by-status", status, str(status_labels[status]), count]
        for status, count in figures["statuses"].items()
    ]
    rows += [
        ["meetings-booked", "", _("Meetings booked"), figures["meetings"]],
        ["meetings-held", "", _("Meetings held"), figures["held"]],
    ]
    rows += [
        ["outcomes-by-kind", kind.value, str(label), count]
        for kind, (label, count) in zip(MeetingOutcome.Kind, figures["outcomes"], strict=True)
    ]
    rows += [
        ["participants-by-country", code or "", names.get(code, _("unknown")), count]
        for code, count in figures["countries"]
    ]
    return rows


def indicators_csv(brokerage: BrokerageEvent) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Indicator"), _("Key"), _("Label"), _("Count")])
    writer.writerows(indicator_rows(brokerage))
    return buffer.getvalue()
