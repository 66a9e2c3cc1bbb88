import factory
from factory.django import DjangoModelFactory

from clusterscape.accounts.models import Membership, User
from clusterscape.registry.tests.factories import OrganisationFactory


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MANAGER


def sign_in_staff(client, user) -> None:
    """Sign a staff user in as after the second factor (the admin and editors' pages ask for
    it): for tests of other apps' staff pages."""
    from clusterscape.accounts.middleware import TWO_FACTOR_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[TWO_FACTOR_SESSION_KEY] = True
    session.save()
