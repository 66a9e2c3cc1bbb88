"""Two people of one organisation register it for the same event at the same moment, in
two real transactions on separate connections (PostgreSQL): one participant, and the other
person gets a clear message, never an IntegrityError."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from clusterscape.accounts.tests.factories import MembershipFactory
from clusterscape.matchmaking import brokerage_services as services
from clusterscape.matchmaking.brokerage_models import Participant
from clusterscape.registry.tests.factories import OrganisationFactory

from .brokerage_factories import brokerage_event

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent transactions need a server database"
    ),
]


def register_together(brokerage, organisation, users):
    barrier = threading.Barrier(len(users))
    results: list = [None] * len(users)

    def register(index):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                results[index] = services.register_participant(
                    brokerage, by=users[index], organisation=organisation
                )
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_registrations_of_one_organisation_make_one_participant(attempt):
    brokerage = brokerage_event()
    organisation = OrganisationFactory()
    users = [MembershipFactory(organisation=organisation).user for _ in range(2)]

    results = register_together(brokerage, organisation, users)

    assert sorted(type(r).__name__ for r in results) == ["Participant", "ValidationError"], results
    refused = next(r for r in results if isinstance(r, ValidationError))
    assert refused.message_dict == {"organisation": ["This organisation is registered already."]}
    assert Participant.objects.filter(brokerage=brokerage).count() == 1
