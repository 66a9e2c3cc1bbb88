"""Browser journey of a cluster manager: sign in, publish a partner request from the
profile, find it on the list of open requests by its filters, and save the search for it as
an alert; without JavaScript, with axe-core on the new pages."""

import datetime

import pytest

from clusterscape.accounts.models import Membership, User
from clusterscape.core.tests.e2e.support import E2E, assert_no_axe_violations

pytestmark = E2E

PASSWORD = "a long and unusual passphrase"


def sign_in(page, user: User) -> None:
    page.goto("/en/account/login/")
    page.get_by_label("E-mail address or user name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Your account", exact=True).wait_for()


@pytest.fixture
def manager(landscape) -> User:
    """A manager of a profile, made before the browser starts (the ORM cannot run in the
    test's thread once it has)."""
    user = User.objects.create_user(username="mara", email="mara@example.org", password=PASSWORD)
    Membership.objects.create(
        user=user, organisation=landscape.stuttgart, role=Membership.Role.MANAGER
    )
    return user


def test_publish_a_request_find_it_and_save_an_alert(manager, page_without_js, landscape):
    page = page_without_js
    organisation = landscape.stuttgart
    sign_in(page, manager)

    page.goto(organisation.get_absolute_url())
    page.get_by_role("link", name="Publish a partner request").click()
    page.get_by_label("Title").fill("Partner for battery recycling tests")
    page.get_by_label("What you seek").fill("Recycling of lithium-ion cells")
    page.get_by_label("Countries where you look for partners").select_option(["FR"])
    page.get_by_label("Type of cooperation").select_option("research")
    deadline = datetime.date.today() + datetime.timedelta(days=40)
    page.get_by_label("Deadline").fill(deadline.isoformat())
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Your partner request is published.").wait_for()
    assert page.locator("h1").inner_text() == "Partner for battery recycling tests"
    assert page.locator(".breadcrumb").inner_text() == organisation.display_name

    page.goto("/en/partners/requests/")
    page.get_by_label("Partners sought in").select_option("FR")
    page.get_by_label("Words").fill("recycling")
    page.get_by_role("button", name="Show requests").click()
    page.wait_for_url("**q=recycling**")  # the click waits only for the new page to start
    assert page.locator(".hit-title").all_inner_texts() == ["Partner for battery recycling tests"]

    page.goto("/en/search/?q=recycling")
    page.get_by_role("link", name="Save this search as an alert").click()
    page.get_by_label("How often").select_option("weekly")
    page.get_by_role("button", name="Save the alert").click()
    page.get_by_text("The alert is saved.").wait_for()
    assert page.locator(".facts").inner_text() == "Words\nrecycling"
    assert page.get_by_label("How often: saved search 1").input_value() == "weekly"


def test_the_new_pages_pass_axe(manager, page, landscape):
    organisation = landscape.stuttgart
    sign_in(page, manager)

    for url in (
        f"/en/clusters/{organisation.slug}/partners/requests/new/",
        "/en/partners/requests/",
        "/de/partners/requests/mine/",
        "/en/alerts/",
        "/de/alerts/new/?q=recycling",
    ):
        page.goto(url)
        assert_no_axe_violations(page)
