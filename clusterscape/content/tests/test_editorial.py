import re

import pytest

from clusterscape.accounts.models import Membership, User
from clusterscape.accounts.tests.factories import MembershipFactory, UserFactory, sign_in_staff
from clusterscape.content.models import Event, FundingCall, NewsItem, Status
from clusterscape.registry.tests.factories import OrganisationFactory

from .factories import NewsItemFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def organisation():
    return OrganisationFactory(slug="photonics", name="Photonics")


@pytest.fixture
def manager(organisation) -> User:
    return MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER).user


@pytest.fixture
def member(organisation) -> User:
    return MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user


@pytest.fixture
def editor() -> User:
    return UserFactory(username="editor", platform_role=User.PlatformRole.EDITOR)


def news_form(organisation, **data) -> dict:
    values = {
        "organisation": organisation.pk,
        "title": "Laser week",
        "language": "en",
        "teaser": "Five days of lasers.",
        "body": "<p>Hello<script>alert(1)</script></p>",
    }
    values.update(data)
    return values


def test_writing_needs_an_account(client, settings):
    settings.LOGIN_URL = "/login/"

    response = client.get("/en/my/content/news/new/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/login/?next=/en/my/content/news/new/",
    )


def test_member_writes_a_news_draft(client, member, organisation):
    sign_in_staff(client, member)

    response = client.post("/en/my/content/news/new/", news_form(organisation))

    assert (response.status_code, response["Location"]) == (302, "/en/my/content/")
    item = NewsItem.objects.get()
    assert (item.status, item.organisation, item.author, item.body) == (
        Status.DRAFT,
        organisation,
        member,
        "<p>Hello</p>",
    )
    dashboard = client.get("/en/my/content/").content.decode()
    assert "Saved as a draft: “Laser week”." in dashboard
    assert f'<a href="/en/my/content/news/{item.pk}/edit/">Laser week</a>' in dashboard


def test_form_offers_only_the_users_organisations(client, member, organisation):
    OrganisationFactory(name="Someone else")
    sign_in_staff(client, member)

    page = client.get("/en/my/content/news/new/").content.decode()

    options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page)
    assert "Photonics" in options
    assert "Someone else" not in options


def test_missing_language_is_shown_at_its_field(client, member, organisation):
    sign_in_staff(client, member)

    response = client.post("/en/my/content/news/new/", news_form(organisation, language=""))

    page = response.content.decode()
    assert response.status_code == 400
    assert (
        '<ul class="errors" id="id_language_errors"><li>This field is required.</li></ul>' in page
    )
    assert 'aria-invalid="true"' in page
    assert NewsItem.objects.count() == 0


def test_event_ending_before_it_starts_is_shown_at_the_end_field(client, member, organisation):
    sign_in_staff(client, member)

    response = client.post(
        "/en/my/content/events/new/",
        {
            "organisation": organisation.pk,
            "title": "Summit",
            "language": "en",
            "kind": Event.Kind.CONFERENCE,
            "summary": "Talks.",
            "starts_at": "2030-03-04T09:00",
            "ends_at": "2030-03-03T17:00",
            "time_zone": "Europe/Berlin",
            "city": "Jena",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert (
        '<ul class="errors" id="id_ends_at_errors"><li>The event ends before it starts.</li></ul>'
        in page
    )
    (end_input,) = re.findall(r'<input[^>]*id="id_ends_at"[^>]*>', page)
    assert 'aria-invalid="true"' in end_input
    assert 'aria-describedby="id_ends_at_errors"' in end_input
    assert Event.objects.count() == 0


def test_call_form_saves_a_deadline_in_its_zone(client, member, organisation):
    sign_in_staff(client, member)

    response = client.post(
        "/en/my/content/calls/new/",
        {
            "organisation": organisation.pk,
            "title": "Call",
            "language": "en",
            "programme_name": "Programme",
            "funder": "Funder",
            "summary": "Money.",
            "official_url": "https://example.org/call",
            "deadline": "2030-01-31T12:00",
            "deadline_time_zone": "Asia/Tokyo",
        },
    )

    assert response.status_code == 302
    (deadline,) = FundingCall.objects.get().deadlines.all()
    assert (deadline.local_deadline.hour, deadline.time_zone) == (12, "Asia/Tokyo")


def test_member_cannot_submit_but_manager_can(client, member, manager, organisation):
    item = NewsItemFactory(organisation=organisation, status=Status.DRAFT)
    sign_in_staff(client, member)

    assert client.post(f"/en/my/content/news/{item.pk}/submit/").status_code == 403

    sign_in_staff(client, manager)
    response = client.post(f"/en/my/content/news/{item.pk}/submit/")
    assert (response.status_code, NewsItem.objects.get().status) == (302, Status.SUBMITTED)


def test_items_of_other_organisations_are_not_found(client, member):
    item = NewsItemFactory(status=Status.DRAFT)
    sign_in_staff(client, member)

    assert client.get(f"/en/my/content/news/{item.pk}/edit/").status_code == 404


def test_editor_publishes_from_the_review_queue(client, editor, organisation):
    item = NewsItemFactory(
        title="Please publish", organisation=organisation, status=Status.SUBMITTED
    )
    sign_in_staff(client, editor)

    queue = client.get("/en/my/content/review/").content.decode()
    assert "<h3>Please publish</h3>" in queue
    assert '<p lang="en">What happened, in a sentence.</p>' in queue
    assert f'<a href="/en/my/content/news/{item.pk}/edit/">Read and edit in full</a>' in queue

    response = client.post(f"/en/my/content/news/{item.pk}/publish/")
    assert (response.status_code, response["Location"]) == (302, "/en/my/content/review/")
    assert client.get(f"/en/news/{item.slug}/").status_code == 200


def test_editor_sends_back_with_a_reason(client, editor, manager, organisation):
    item = NewsItemFactory(organisation=organisation, status=Status.SUBMITTED)
    sign_in_staff(client, editor)

    without = client.post(f"/en/my/content/news/{item.pk}/reject/", {"reason": ""})
    assert without.status_code == 400
    assert "This field is required." in without.content.decode()

    client.post(f"/en/my/content/news/{item.pk}/reject/", {"reason": "Add a source."})
    item.refresh_from_db()
    assert (item.status, item.review_note) == (Status.DRAFT, "Add a source.")
    sign_in_staff(client, manager)
    assert "Editor's note: Add a source." in client.get("/en/my/content/").content.decode()


def test_review_queue_is_for_editors_only(client, manager):
    sign_in_staff(client, manager)

    assert client.get("/en/my/content/review/").status_code == 403
