import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from clusterscape.accounts.history import versions_of
from clusterscape.accounts.models import Membership, User
from clusterscape.matchmaking import requests
from clusterscape.matchmaking.index import index_match_profile
from clusterscape.matchmaking.models import ExpressionOfInterest, InboxMessage, PartnerRequest
from clusterscape.matchmaking.queries import profile_of
from clusterscape.registry.models import Field
from clusterscape.search.models import SearchDocument

from .factories import matched_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

TODAY = datetime.date.today()


def person(name: str, organisation, role=Membership.Role.MANAGER) -> User:
    user = User.objects.create_user(username=name, email=f"{name}@example.org", password="x")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def owner():
    return matched_organisation(name="Leichtbau Sachsen", slug="leichtbau-sachsen")


@pytest.fixture
def other():
    return matched_organisation(name="Composites Lyon", slug="composites-lyon", country="FR")


def publish(organisation, by, **changes) -> PartnerRequest:
    values = {
        "title": "Testing partner for CFRP parts",
        "seeks": "Testing and certification of carbon-fibre parts",
        "offers": "",
        "cooperation": PartnerRequest.Cooperation.PROJECT,
        "deadline": TODAY + datetime.timedelta(days=30),
        "language": "en",
        "fields": ["lightweight-construction"],
        "target_countries": ["FR", "JP"],
    }
    values.update(changes)
    return requests.publish_partner_request(organisation, by=by, **values)


def test_manager_publishes_a_searchable_request_with_a_version(owner):
    manager = person("anna", owner)

    request = publish(owner, manager)

    assert list(request.target_countries.values_list("code", flat=True)) == ["FR", "JP"]
    document = SearchDocument.objects.get(kind="request")
    assert (document.object_id, document.title) == (request.pk, "Testing partner for CFRP parts")
    assert [v.action for v in versions_of(request)] == ["create"]


def test_bad_request_names_each_field_and_writes_nothing(owner):
    manager = person("anna", owner)

    with pytest.raises(ValidationError) as caught:
        publish(
            owner,
            manager,
            deadline=TODAY - datetime.timedelta(days=1),
            seeks=" ",
            offers="",
            target_countries=["FR", "XX"],
        )

    assert caught.value.message_dict == {
        "deadline": ["The deadline has passed."],
        "seeks": ["Say what you seek or what you offer."],
        "offers": ["Say what you seek or what you offer."],
        "target_countries": ["Unknown country codes: XX."],
    }
    assert PartnerRequest.objects.count() == 0


def test_only_managers_publish(owner):
    member = person("ben", owner, role=Membership.Role.MEMBER)

    with pytest.raises(PermissionDenied):
        publish(owner, member)


def test_expired_requests_close_by_query_and_by_command(owner):
    request = publish(owner, person("anna", owner))
    PartnerRequest.objects.filter(pk=request.pk).update(deadline=TODAY - datetime.timedelta(days=1))

    assert list(requests.open_partner_requests()) == []
    assert requests.close_expired_requests() == 1
    request.refresh_from_db()
    assert request.status == "closed"
    assert SearchDocument.objects.filter(kind="request").count() == 0


def test_interest_notifies_both_sides_and_owner_accepts(
    owner, other, django_capture_on_commit_callbacks
):
    manager = person("anna", owner)
    sender = person("claire", other, role=Membership.Role.MEMBER)
    request = publish(owner, manager)

    with pytest.raises(ValidationError) as caught:
        requests.express_interest(request, other, by=sender, message=" ")
    assert caught.value.message_dict == {
        "message": ["Write a message to the requesting organisation."]
    }
    with pytest.raises(ValidationError):
        requests.express_interest(request, owner, by=manager, message="Us?")

    with django_capture_on_commit_callbacks(execute=True):
        interest = requests.express_interest(request, other, by=sender, message="We test CFRP.")

    assert sorted(InboxMessage.objects.values_list("user__username", flat=True)) == [
        "anna",
        "claire",
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna@example.org",
        "claire@example.org",
    ]
    # an e-mail is read outside the site: its link is a full address
    assert mail.outbox[0].body.endswith(f"{settings.SITE_URL}{owner.get_absolute_url()}")
    requests.answer_interest(interest, by=manager, accept=True)
    interest.refresh_from_db()
    assert interest.status == ExpressionOfInterest.Status.ACCEPTED
    assert InboxMessage.objects.filter(user=sender).first().subject == (
        "Leichtbau Sachsen accepted your interest in “Testing partner for CFRP parts”"
    )


def test_a_user_cannot_see_accept_or_decline_another_organisations_interest(owner, other):
    manager = person("anna", owner)
    sender = person("claire", other, role=Membership.Role.MEMBER)
    third = matched_organisation(name="Lightweight Tokyo", country="JP")
    outsider = person("kenji", third)
    request = publish(owner, manager)
    interest = requests.express_interest(request, other, by=sender, message="We test CFRP.")

    assert list(requests.interests_visible_to(outsider, request)) == []
    assert list(requests.interests_visible_to(sender, request)) == [interest]
    assert list(requests.interests_visible_to(manager, request)) == [interest]
    with pytest.raises(PermissionDenied):
        requests.answer_interest(interest, by=outsider, accept=False)
    with pytest.raises(PermissionDenied):
        requests.answer_interest(interest, by=sender, accept=True)
    with pytest.raises(PermissionDenied):
        requests.express_interest(request, third, by=sender, message="Not mine to send.")
    interest.refresh_from_db()
    assert interest.status == ExpressionOfInterest.Status.PENDING


def test_request_page_shows_interests_only_to_those_allowed(client, owner, other):
    manager = person("anna", owner)
    sender = person("claire", other, role=Membership.Role.MEMBER)
    outsider = person("kenji", matched_organisation(name="Lightweight Tokyo", country="JP"))
    request = publish(owner, manager)
    url = f"/en/partners/requests/{request.pk}/"

    client.force_login(sender)
    response = client.post(url, {"organisation": other.pk, "message": "We test CFRP."})
    assert response.status_code == 302
    interest = ExpressionOfInterest.objects.get()

    client.force_login(outsider)
    assert "We test CFRP." not in client.get(url).content.decode()
    answer = f"/en/partners/interests/{interest.pk}/answer/"
    assert client.post(answer, {"answer": "decline"}).status_code == 403

    client.force_login(manager)
    assert "We test CFRP." in client.get(url).content.decode()
    assert client.post(answer, {"answer": "accept"}).status_code == 302
    interest.refresh_from_db()
    assert interest.status == "accepted"
    inbox = client.get("/en/partners/inbox/").content.decode()
    assert "Leichtbau Sachsen accepted your interest in “Testing partner for CFRP parts”" in inbox


def test_interest_form_errors_name_the_field(client, owner, other):
    request = publish(owner, person("anna", owner))
    client.force_login(person("claire", other))

    response = client.post(
        f"/en/partners/requests/{request.pk}/", {"organisation": other.pk, "message": ""}
    )

    assert response.status_code == 400
    assert 'id="id_message_errors"' in response.content.decode()
    assert ExpressionOfInterest.objects.count() == 0


def test_fitting_requests_are_recommended_on_find_partners(client, owner, other):
    owner.fields.set([Field.objects.get(slug="lightweight-construction")])
    publish(owner, person("anna", owner), target_countries=["JP"])
    index_match_profile(other)
    elsewhere = matched_organisation(name="Tourism Kyoto", country="JP", fields=("tourism",))
    unrelated = matched_organisation(name="Tourism Nice", country="FR", fields=("tourism",))
    other.fields.set([Field.objects.get(slug="materials")])
    index_match_profile(other)

    fitting = {
        organisation.slug: [r.title for r in requests.requests_for(profile_of(organisation))]
        for organisation in (other, elsewhere, unrelated)
    }

    assert fitting == {
        "composites-lyon": ["Testing partner for CFRP parts"],  # same area (production)
        elsewhere.slug: ["Testing partner for CFRP parts"],  # looked for in Japan
        unrelated.slug: [],
    }
    page = client.get("/en/clusters/composites-lyon/partners/").content.decode()
    assert "Testing partner for CFRP parts</a>" in page


def test_profile_lists_the_organisations_open_requests(client, owner):
    manager = person("berta", owner)
    open_request = publish(owner, manager, title="Partner für Prüfstände", language="de")
    expired = publish(owner, manager, title="Old request")
    PartnerRequest.objects.filter(pk=expired.pk).update(deadline=TODAY - datetime.timedelta(1))

    page = client.get(f"/en/clusters/{owner.slug}/").content.decode()

    assert (
        f'<a href="/en/partners/requests/{open_request.pk}/" hreflang="de">'
        '<span lang="de">Partner für Prüfstände</span></a>'
    ) in page
    assert "Old request" not in page
