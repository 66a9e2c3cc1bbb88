import pytest

from clusterscape.accounts.history import versions_of
from clusterscape.accounts.tests.factories import UserFactory, sign_in_staff
from clusterscape.content.models import Event, NewsItem, Project, Status
from clusterscape.registry.tests.factories import OrganisationFactory
from clusterscape.search.models import SearchDocument

from .factories import NewsItemFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def admin_client(client):
    sign_in_staff(client, UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def test_admin_creates_news_through_the_service(admin_client):
    organisation = OrganisationFactory()

    response = admin_client.post(
        "/en/admin/content/newsitem/add/",
        {
            "organisation": organisation.pk,
            "title": "From the admin",
            "language": "de",
            "teaser": "Kurz.",
            "body": '<p onclick="x()">Text</p>',
        },
    )

    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert (item.slug, item.body, item.status) == ("from-the-admin", "<p>Text</p>", Status.DRAFT)
    assert [v.action for v in versions_of(item)] == ["create"]


def test_admin_shows_service_errors_at_the_field_and_saves_nothing(admin_client):
    response = admin_client.post(
        "/en/admin/content/event/add/",
        {
            "title": "Backwards",
            "language": "en",
            "kind": Event.Kind.CONFERENCE,
            "summary": "x",
            "starts_at": "2030-03-04T09:00",
            "ends_at": "2030-03-03T09:00",
            "time_zone": "Europe/Berlin",
            "city": "Jena",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "ends_at": ["The event ends before it starts."]
    }
    assert Event.objects.count() == 0


def test_admin_publish_action_indexes_the_item(admin_client):
    item = NewsItemFactory(status=Status.SUBMITTED, publish_at=None)

    admin_client.post(
        "/en/admin/content/newsitem/",
        {"action": "publish_selected", "_selected_action": [item.pk]},
    )

    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert list(SearchDocument.objects.values_list("kind", "slug")) == [("news", item.slug)]


def test_admin_saves_project_partners_through_the_service(admin_client):
    response = admin_client.post(
        "/en/admin/content/project/add/",
        {
            "title": "Sensors",
            "language": "en",
            "summary": "Together.",
            "partners-TOTAL_FORMS": "1",
            "partners-INITIAL_FORMS": "0",
            "partners-0-name": "Tohoku University",
            "partners-0-country": "JP",
        },
    )

    assert response.status_code == 302
    project = Project.objects.get()
    assert [(p.name, p.country_id) for p in project.partners.all()] == [("Tohoku University", "JP")]


@pytest.mark.parametrize("model", ["newsitem", "event", "fundingcall", "project"])
def test_admin_pages_open(admin_client, model):
    assert admin_client.get(f"/en/admin/content/{model}/").status_code == 200
    assert admin_client.get(f"/en/admin/content/{model}/add/").status_code == 200
