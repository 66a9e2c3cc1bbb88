import pytest

from clusterscape.accounts.history import versions_of
from clusterscape.accounts.models import User, Version
from clusterscape.registry import services as registry_services
from clusterscape.registry.models import Organisation
from clusterscape.registry.records import record_from_organisation
from clusterscape.registry.tests.factories import OrganisationFactory, SourceFactory
from clusterscape.search.models import SearchDocument

from .factories import MembershipFactory, UserFactory, sign_in_staff

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def profile():
    organisation = OrganisationFactory(slug="silicon-saxony", name="Silicon Saxony", city="Dresden")
    SourceFactory(organisation=organisation, url="https://silicon-saxony.de")
    return organisation


def _form(organisation, **changes):
    record = record_from_organisation(organisation)
    fields = (
        "name short_name city website founding_year management_organisation "
        "management_staff_fte members_sme members_large members_startup members_research "
        "members_university members_public members_other members_year keywords "
        "description_de description_en"
    ).split()
    return {**{name: record.get(name) or "" for name in fields}, **changes}


def test_manager_edits_profile_through_the_record_service(client, profile):
    manager = MembershipFactory(organisation=profile).user
    client.force_login(manager)

    response = client.post(
        "/en/account/organisations/silicon-saxony/edit/",
        _form(profile, name="Silicon Saxony e.V.", city="Dresden und Umgebung", members_sme="120"),
    )

    profile.refresh_from_db()
    version, baseline = versions_of(profile)
    assert response["Location"] == "/en/clusters/silicon-saxony/"
    assert (profile.city, profile.members_sme) == ("Dresden und Umgebung", 120)
    assert version.changed_by == manager
    assert version.changed_fields == ["city", "members_sme", "name"]
    assert (baseline.data["city"], baseline.changed_by) == ("Dresden", None)
    assert SearchDocument.objects.get(object_id=profile.pk).title == "Silicon Saxony e.V."


def test_profile_errors_come_from_the_record_rules(client, profile):
    client.force_login(MembershipFactory(organisation=profile).user)

    response = client.post(
        "/en/account/organisations/silicon-saxony/edit/",
        _form(profile, founding_year="20x1"),
    )

    profile.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {"founding_year": ["'20x1' is not a whole number"]}
    assert profile.founding_year is None
    assert versions_of(profile).count() == 0


def test_manager_of_another_organisation_cannot_edit(client, profile):
    client.force_login(MembershipFactory().user)

    response = client.post(
        "/en/account/organisations/silicon-saxony/edit/", _form(profile, city="Hacked")
    )

    profile.refresh_from_db()
    assert response.status_code == 403
    assert profile.city == "Dresden"


def test_history_shows_field_diff_and_editor_restores(client, profile):
    registry_services.save_organisation_record(
        {**record_from_organisation(profile), "city": "Leipzig"}, by=None
    )
    registry_services.save_organisation_record(
        {**record_from_organisation(profile), "city": "Chemnitz"}, by=None
    )
    baseline, first, second = versions_of(profile).order_by("pk")
    editor = UserFactory(platform_role=User.PlatformRole.EDITOR)
    sign_in_staff(client, editor)

    page = client.get("/en/account/organisations/silicon-saxony/history/")
    restored = client.post(f"/en/account/organisations/silicon-saxony/history/{first.pk}/restore/")

    profile.refresh_from_db()
    newest = versions_of(profile).first()
    assert page.context["history_entries"][0] == (second, [("city", "Leipzig", "Chemnitz")])
    assert restored.status_code == 302
    assert profile.city == "Leipzig"
    assert (newest.action, newest.changed_by) == (Version.Action.RESTORE, editor)
    assert baseline.data["city"] == "Dresden"


def test_manager_cannot_restore_versions(client, profile):
    registry_services.save_organisation_record(
        {**record_from_organisation(profile), "city": "Leipzig"}, by=None
    )
    version = versions_of(profile).first()
    client.force_login(MembershipFactory(organisation=profile).user)

    response = client.post(
        f"/en/account/organisations/silicon-saxony/history/{version.pk}/restore/"
    )

    assert response.status_code == 403


def test_archive_hides_profile_and_editor_undoes_it(client, profile):
    client.force_login(MembershipFactory(organisation=profile).user)
    client.post("/en/account/organisations/silicon-saxony/archive/")
    profile.refresh_from_db()
    archived_status = profile.status
    hidden = client.get("/en/clusters/silicon-saxony/").status_code
    sign_in_staff(client, UserFactory(platform_role=User.PlatformRole.EDITOR))

    client.post("/en/account/organisations/silicon-saxony/archive/", {"undo": "1"})

    profile.refresh_from_db()
    assert archived_status == Organisation.Status.ARCHIVED
    assert hidden == 404
    assert profile.status == Organisation.Status.PUBLISHED
    assert [v.action for v in versions_of(profile)] == ["restore", "archive", "create"]


def test_admin_save_goes_through_service_and_updates_index(client, profile):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    sign_in_staff(client, superuser)
    form = {
        "name": "Silicon Saxony e.V.",
        "slug": "silicon-saxony",
        "kind": "cluster",
        "status": "published",
        "country": "DE",
        "nuts_codes": "",
        "competences-TOTAL_FORMS": "0",
        "competences-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
    }

    response = client.post(f"/en/admin/registry/organisation/{profile.pk}/change/", form)

    assert response.status_code == 302
    assert SearchDocument.objects.get(object_id=str(profile.pk)).title == "Silicon Saxony e.V."
    assert versions_of(profile).first().changed_by == superuser


def test_admin_delete_archives(client, profile):
    sign_in_staff(client, UserFactory(is_staff=True, is_superuser=True))

    client.post(f"/en/admin/registry/organisation/{profile.pk}/delete/", {"post": "yes"})

    profile.refresh_from_db()
    assert profile.status == Organisation.Status.ARCHIVED
    assert SearchDocument.objects.filter(object_id=str(profile.pk)).count() == 0
