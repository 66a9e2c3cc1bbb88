"""Downloads of brokerage events: the participant's agenda as PDF, the event's indicators
as CSV."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from .brokerage_agenda import agenda_of
from .brokerage_exports import indicators_csv
from .brokerage_pdf import agenda_pdf
from .brokerage_queries import participant_for
from .brokerage_views import brokerage_of


@login_required
def brokerage_agenda_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    brokerage = brokerage_of(slug)
    me = participant_for(brokerage, request.user)
    if me is None:
        raise Http404
    response = HttpResponse(agenda_pdf(me, agenda_of(me)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{brokerage.event.slug}-agenda.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def brokerage_indicators_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The event's figures as CSV, public like the event page that shows them."""
    brokerage = brokerage_of(slug)
    response = HttpResponse(indicators_csv(brokerage), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{brokerage.event.slug}-brokerage-indicators.csv"'
    )
    return response
