"""Digests: new matching items reach the user once, in one e-mail per period, in the user's
language; unrelated items do not; the signed link stops alerts without signing in."""

import datetime
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone

from clusterscape.accounts.models import Membership, User
from clusterscape.accounts.services import decide_validation
from clusterscape.alerts import digests, services
from clusterscape.alerts.models import Alert, Digest
from clusterscape.content.services import sync_index
from clusterscape.content.tests.factories import FundingCallFactory
from clusterscape.matchmaking import requests
from clusterscape.matchmaking.models import PartnerRequest
from clusterscape.matchmaking.tests.factories import matched_organisation
from clusterscape.registry.models import Field, Organisation
from clusterscape.search.services import index_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

SOON = datetime.date.today() + datetime.timedelta(days=30)


@pytest.fixture
def reader():
    return User.objects.create_user(username="rita", email="rita@example.org", password="x")


@pytest.fixture
def owner():
    organisation = matched_organisation(name="Leichtbau Sachsen", slug="leichtbau-sachsen")
    manager = User.objects.create_user(username="anna", email="anna@example.org", password="x")
    Membership.objects.create(user=manager, organisation=organisation, role=Membership.Role.MANAGER)
    return organisation, manager


def publish(owner, **changes) -> PartnerRequest:
    organisation, manager = owner
    values = {
        "title": "Hydrogen tank testing partner",
        "seeks": "Burst tests of hydrogen pressure tanks",
        "offers": "",
        "cooperation": PartnerRequest.Cooperation.PROJECT,
        "deadline": SOON,
        "language": "en",
        "fields": ["lightweight-construction"],
        "target_countries": ["FR"],
    }
    values.update(changes)
    return requests.publish_partner_request(organisation, by=manager, **values)


def search_alert(user, query: str, **options) -> Alert:
    return services.save_search_alert(user, query=QueryDict(query), **options)


def later(days: int = 0) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days, seconds=1)


@pytest.fixture
def send_digests(django_capture_on_commit_callbacks):
    """Send the digests; mails leave when the digest's transaction commits (core.mail)."""

    def send(**options) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return digests.send_alert_digests(**options)

    return send


def links(message) -> list[str]:
    return re.findall(r"^  (http\S+)$", message.body, flags=re.MULTILINE)


def test_a_new_matching_request_is_in_the_next_digest_exactly_once(reader, owner, send_digests):
    search_alert(reader, "q=hydrogen")
    old = PartnerRequest.objects.count()
    matching = publish(owner)
    publish(owner, title="Laser optics partner", seeks="Photonic sensors", fields=["photonics"])

    assert send_digests(now=later()) == 1

    (message,) = mail.outbox
    assert message.to == ["rita@example.org"]
    assert message.subject == "clusterscape: 1 new match for your alerts"
    assert "Hydrogen tank testing partner" in message.body
    assert "Laser optics partner" not in message.body
    assert links(message) == [f"http://localhost:8000/en/partners/requests/{matching.pk}/"]
    assert old == 0
    # the same period again, and the next day with nothing new: nothing
    assert send_digests(now=later()) == 0
    assert send_digests(now=later(days=1)) == 0
    assert len(mail.outbox) == 1
    assert Digest.objects.count() == 1


def test_nothing_new_sends_nothing(reader, owner, send_digests):
    publish(owner)  # before the alert: not new for it
    search_alert(reader, "q=hydrogen")

    assert send_digests(now=later()) == 0
    assert mail.outbox == []


def test_all_alerts_of_a_user_come_in_one_digest(reader, owner, send_digests):
    search_alert(reader, "q=hydrogen")
    search_alert(reader, "q=laser", frequency="weekly")
    publish(owner)
    publish(owner, title="Laser optics partner", seeks="Laser sensors", fields=["photonics"])

    assert send_digests(now=later()) == 1

    (message,) = mail.outbox
    assert message.subject == "clusterscape: 2 new matches for your alerts"
    assert message.body.count("== Saved search: Words: ") == 2


def test_weekly_alerts_wait_for_the_next_week(reader, owner, send_digests):
    alert = search_alert(reader, "q=hydrogen", frequency="weekly")
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    Alert.objects.filter(pk=alert.pk).update(last_digest_on=monday)
    publish(owner)

    assert send_digests(now=later()) == 0
    next_monday = timezone.now() + datetime.timedelta(days=7 - today.weekday())
    assert send_digests(now=next_monday) == 1


def test_a_search_alert_reports_new_funding_calls_and_organisations(reader, send_digests):
    search_alert(reader, "q=hydrogen")
    call = FundingCallFactory(
        title="Hydrogen clusters abroad", summary="Hydrogen partnerships", publish_at=timezone.now()
    )
    sync_index(call)
    FundingCallFactory(
        title="Creative industries", summary="Film and games", publish_at=timezone.now()
    )
    organisation = matched_organisation(
        name="Hydrogen Valley Network", slug="hydrogen-valley", country="FR"
    )
    index_organisation(organisation)

    send_digests(now=later())

    (message,) = mail.outbox
    assert sorted(links(message)) == [
        "http://localhost:8000/en/clusters/hydrogen-valley/",
        f"http://localhost:8000/en/funding-calls/{call.slug}/",
    ]
    assert "Funding call: Hydrogen clusters abroad" in message.body
    assert "Organisation: Hydrogen Valley Network" in message.body


def test_a_request_profile_alert_uses_the_match_score(reader, owner, send_digests):
    services.save_profile_alert(
        reader,
        query=QueryDict(
            "me_country=DE&me_fields=lightweight-construction&me_seeks=testing-certification"
        ),
    )
    tester = matched_organisation(
        name="Composites Lyon",
        slug="composites-lyon",
        country="FR",
        fields=("lightweight-construction",),
        offers=(("lightweight-construction", "testing-certification"),),
        targets=("DE",),
    )
    matched_organisation(name="Photonics Lyon", country="FR", fields=("photonics",))
    fitting = publish(owner)
    publish(owner, title="Laser optics partner", fields=["photonics"], target_countries=["JP"])
    call = FundingCallFactory(title="Lightweight construction abroad", publish_at=timezone.now())
    call.fields.set([Field.objects.get(slug="lightweight-construction")])
    FundingCallFactory(title="Photonics call", publish_at=timezone.now()).fields.set(
        [Field.objects.get(slug="photonics")]
    )

    send_digests(now=later())

    (message,) = mail.outbox
    assert sorted(links(message)) == sorted(
        [
            f"http://localhost:8000/en/clusters/{tester.slug}/",
            f"http://localhost:8000/en/partners/requests/{fitting.pk}/",
            f"http://localhost:8000/en/funding-calls/{call.slug}/",
        ]
    )


def test_the_digest_is_in_the_language_the_user_saved_the_alert_in(reader, owner, send_digests):
    search_alert(reader, "q=hydrogen", language="de")
    request = publish(owner)

    send_digests(now=later())

    (message,) = mail.outbox
    assert message.subject == "clusterscape: 1 neuer Treffer für Ihre Benachrichtigungen"
    assert links(message) == [f"http://localhost:8000/de/partners/requests/{request.pk}/"]
    assert message.extra_headers["Content-Language"] == "de"


def test_the_signed_link_stops_an_alert_without_signing_in(client, reader, owner, send_digests):
    alert = search_alert(reader, "q=hydrogen")
    publish(owner)
    send_digests(now=later())
    (message,) = mail.outbox
    stop = re.search(r"Stop this alert: http://localhost:8000(\S+)", message.body).group(1)

    page = client.get(stop)
    assert page.status_code == 200
    assert "Stop this alert? You will get no more e-mails for it." in page.content.decode()
    alert.refresh_from_db()
    assert alert.active  # a GET (a link checker, a preview) stops nothing

    response = client.post(stop)

    assert "The alert is stopped." in response.content.decode()
    alert.refresh_from_db()
    assert not alert.active
    publish(owner, title="Hydrogen valves")
    assert send_digests(now=later(days=1)) == 0


def test_the_one_click_header_stops_all_alerts(client, reader, owner, send_digests):
    search_alert(reader, "q=hydrogen")
    search_alert(reader, "q=laser")
    publish(owner)
    send_digests(now=later())
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]

    response = client.post(
        header.strip("<>").removeprefix("http://localhost:8000"),
        {"List-Unsubscribe": "One-Click"},
    )

    assert response.status_code == 200
    assert list(Alert.objects.values_list("active", flat=True)) == [False, False]


def test_a_forged_link_stops_nothing(client, reader):
    alert = search_alert(reader, "q=hydrogen")
    token = services.unsubscribe_token(alert)

    response = client.post(f"/en/alerts/stop/{token[:-2]}xx/")

    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.active


def test_the_command_sends_the_digests(reader, owner, django_capture_on_commit_callbacks):
    search_alert(reader, "q=hydrogen")
    publish(owner)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_alert_digests", stdout=out)
        call_command("send_alert_digests", stdout=out)

    assert out.getvalue() == "1 digest(s) sent\n0 digest(s) sent\n"
    assert len(mail.outbox) == 1


def test_an_organisation_approved_after_the_alert_is_new(reader, send_digests):
    draft = matched_organisation(
        name="Hydrogen Coast Network", slug="hydrogen-coast", status=Organisation.Status.DRAFT
    )
    search_alert(reader, "q=hydrogen")
    editor = User.objects.create_user(
        username="eddie", email="eddie@example.org", password="x", platform_role="editor"
    )

    decide_validation(draft, outcome="approved", reason="Meets the criteria.", by=editor)
    send_digests(now=later())

    (message,) = mail.outbox
    assert links(message) == ["http://localhost:8000/en/clusters/hydrogen-coast/"]


def test_ones_own_requests_are_not_reported(owner, send_digests):
    _organisation, manager = owner
    search_alert(manager, "q=hydrogen")
    publish(owner)

    assert send_digests(now=later()) == 0
    assert mail.outbox == []
