import pytest

from clusterscape.accounts.history import record_version, versions_of
from clusterscape.accounts.models import Version
from clusterscape.registry.tests.factories import OrganisationFactory

from .factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_versions_keep_who_what_and_changed_fields():
    editor = UserFactory()
    organisation = OrganisationFactory(name="Cluster A", city="Jena")
    first = record_version(organisation, by=editor, action=Version.Action.CREATE)
    organisation.city = "Erfurt"
    organisation.save()
    second = record_version(organisation, by=None)

    assert first.data["city"] == "Jena"
    assert first.changed_by == editor
    assert second.data["city"] == "Erfurt"
    assert second.changed_fields == ["city"]  # organisations keep their record
    assert second.changed_by is None
    assert list(versions_of(organisation)) == [second, first]
