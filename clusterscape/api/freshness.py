"""Last-Modified for the API's answers: the one place that turns a change time into the
header (the middleware then answers If-Modified-Since with 304)."""

import datetime

from django.http import HttpResponse
from django.utils.http import http_date


def set_last_modified(response: HttpResponse, *moments: datetime.datetime | None) -> None:
    """Last-Modified from the latest of the moments the answer depends on; unknown moments
    (None) are left out, and with none known the header is not sent."""
    known = [moment for moment in moments if moment is not None]
    if known:
        response["Last-Modified"] = http_date(max(known).timestamp())
