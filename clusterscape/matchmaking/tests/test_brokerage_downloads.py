"""Downloads of brokerage events: the agenda as a PDF of text, the indicators as CSV."""

import contextlib
import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from clusterscape.accounts.tests.factories import UserFactory
from clusterscape.matchmaking import brokerage_services
from clusterscape.matchmaking.brokerage_services import accept_meeting_request
from clusterscape.registry.models import Country

from .brokerage_factories import brokerage_event, meeting_request, participant

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def url(name, brokerage, language="en"):
    with translation.override(language):
        return reverse(f"brokerage:{name}", args=[brokerage.event.slug])


@contextlib.contextmanager
def freeze_now(monkeypatch, moment):
    """The indicators count meetings held up to now."""
    from django.utils import timezone

    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        yield


def pdf_text(response) -> str:
    """The PDF's text as a reader extracts it, with line breaks of wrapped cells as spaces."""
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_agenda_pdf_lists_meetings_as_text_in_english(client):
    brokerage = brokerage_event()
    a = participant(brokerage, name="Alpha Cluster")
    b = participant(brokerage, name="Münchner Kreis Ørsted", country=Country.objects.get(code="FR"))
    accept_meeting_request(meeting_request(a, b), by=b.user)
    client.force_login(a.user)

    response = client.get(url("agenda-pdf", brokerage))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Agenda: " + brokerage.event.title in text
    assert "Times in Europe/Berlin" in text
    assert "March 12, 2030" in text
    assert "09:00–09:30" in text  # the event's zone, not UTC (08:00)
    assert "Münchner Kreis Ørsted" in text
    assert "France" in text


def test_agenda_pdf_in_german(client):
    brokerage = brokerage_event()
    a = participant(brokerage, name="Alpha Cluster")
    b = participant(brokerage, name="Beta", country=Country.objects.get(code="FR"))
    accept_meeting_request(meeting_request(b, a), by=a.user)
    client.force_login(a.user)

    response = client.get(url("agenda-pdf", brokerage, "de"))

    text = pdf_text(response)
    assert "Zeiten in Europe/Berlin" in text
    assert "12. März 2030" in text
    assert "Frankreich" in text
    assert "Tag Zeit Tisch oder Raum Partner Land" in text


def test_agenda_pdf_is_only_for_participants(client):
    brokerage = brokerage_event()
    assert client.get(url("agenda-pdf", brokerage)).status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get(url("agenda-pdf", brokerage)).status_code == 404


def test_agenda_page_links_the_pdf(client):
    brokerage = brokerage_event()
    client.force_login(participant(brokerage).user)
    page = client.get(url("agenda", brokerage)).content.decode()
    assert f'href="{url("agenda-pdf", brokerage)}"' in page


def test_indicators_csv_counts_meetings_outcomes_and_countries(client, monkeypatch):
    brokerage = brokerage_event()
    a = participant(brokerage, name="Alpha", country=Country.objects.get(code="DE"))
    b = participant(brokerage, name="Beta", country=Country.objects.get(code="FR"))
    c = participant(brokerage, name="Gamma", country=Country.objects.get(code="FR"))
    meeting = accept_meeting_request(meeting_request(a, b), by=b.user)
    meeting_request(c, a)
    monkeypatch.setattr(
        brokerage_services, "now", lambda: meeting.slot_end + datetime.timedelta(hours=1)
    )
    brokerage_services.record_outcome(meeting, a, by=a.user, kind="mou")
    brokerage_services.record_outcome(meeting, b, by=b.user, kind="letter-of-intent")
    with freeze_now(monkeypatch, meeting.slot_end + datetime.timedelta(hours=1)):
        response = client.get(url("indicators-csv", brokerage))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Indicator", "Key", "Label", "Count"]
    table = {(row[0], row[1]): (row[2], row[3]) for row in rows[1:]}
    assert table[("participants", "")] == ("Participants", "3")
    assert table[("requests", "")] == ("Meeting requests", "2")
    assert table[("requests-by-status", "accepted")] == ("accepted", "1")
    assert table[("requests-by-status", "requested")] == ("requested", "1")
    assert table[("meetings-booked", "")] == ("Meetings booked", "1")
    assert table[("meetings-held", "")] == ("Meetings held", "1")
    assert table[("outcomes-by-kind", "mou")] == ("memorandum of understanding", "1")
    assert table[("outcomes-by-kind", "letter-of-intent")] == ("letter of intent", "1")
    assert table[("outcomes-by-kind", "none")] == ("no follow-up", "0")
    assert [row[1:] for row in rows if row[0] == "participants-by-country"] == [
        ["FR", "France", "2"],
        ["DE", "Germany", "1"],
    ]


def test_indicators_csv_in_german_and_linked_from_the_event_page(client):
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    accept_meeting_request(meeting_request(a, b), by=b.user)

    rows = list(
        csv.reader(io.StringIO(client.get(url("indicators-csv", brokerage, "de")).content.decode()))
    )
    page = client.get(url("detail", brokerage)).content.decode()

    assert rows[0] == ["Kennzahl", "Schlüssel", "Bezeichnung", "Anzahl"]
    assert ["meetings-booked", "", "Gebuchte Gespräche", "1"] in rows
    assert f'href="{url("indicators-csv", brokerage)}"' in page
