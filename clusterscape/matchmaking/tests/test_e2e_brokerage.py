"""Browser journey of a brokerage event: a cluster manager registers, asks a participant
for a meeting, the other side accepts, and the meeting is on both agendas; axe-core on the
organiser's setup page and the participants' pages."""

import re
from dataclasses import dataclass

import pytest

from clusterscape.accounts.models import Membership, User
from clusterscape.core.tests.e2e.support import E2E, assert_no_axe_violations, save_screenshot
from clusterscape.matchmaking.brokerage_models import Availability, BrokerageEvent, Participant

from .brokerage_factories import brokerage_event

pytestmark = E2E

PASSWORD = "a long and unusual passphrase"


@dataclass
class Brokerage:
    slug: str
    organiser: User
    alice: User  # manages ARENA2036, not registered yet
    bob: User  # manages Systematic Paris-Region, registered


def person(username: str, organisation) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD
    )
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def brokerage(landscape) -> Brokerage:
    """Made before the browser starts (the ORM cannot run in the test's thread once it has)."""
    event: BrokerageEvent = brokerage_event(tables=2, slots=4)
    bob = person("bob", landscape.paris)
    registered = Participant.objects.create(brokerage=event, organisation=landscape.paris, user=bob)
    for day in event.days.all():
        Availability.objects.create(
            participant=registered, day=day, starts=day.starts, ends=day.ends
        )
    return Brokerage(
        slug=event.event.slug,
        organiser=person("olga", event.organiser),
        alice=person("alice", landscape.stuttgart),
        bob=bob,
    )


def sign_in(page, user: User) -> None:
    page.context.clear_cookies()
    page.goto("/en/account/login/")
    page.get_by_label("E-mail address or user name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Your account", exact=True).wait_for()


def agenda_rows(page) -> list[str]:
    return page.locator(
        "section[aria-labelledby='agenda'] tbody tr td:nth-child(3)"
    ).all_inner_texts()


def test_register_request_accept_and_both_agendas(brokerage, page):
    base = f"/en/events/{brokerage.slug}/brokerage"
    sign_in(page, brokerage.organiser)
    page.goto(f"{base}/setup/")
    assert page.locator("h1").inner_text().startswith("Set up the meetings at")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Change").first.click()
    page.get_by_role("heading", name="Change a meeting day", level=1).wait_for()
    assert_no_axe_violations(page)

    sign_in(page, brokerage.alice)
    page.goto(f"{base}/")
    page.get_by_role("link", name="Register for the meetings").click()
    page.get_by_label("Organisation (optional)").wait_for()  # the new page, not the one left
    assert_no_axe_violations(page)
    page.get_by_label("Organisation (optional)").select_option(label="ARENA2036")
    page.get_by_role("button", name="Register", exact=True).click()
    page.get_by_text("You are registered.").wait_for()
    assert page.locator("#suggested").inner_text() == "Suggested meetings"
    assert_no_axe_violations(page)
    save_screenshot(page, "brokerage-detail-en")

    page.get_by_label("Message to Systematic Paris-Region").last.fill("Digital twins?")
    page.get_by_role("button", name=re.compile(r"^Ask for a meeting\W+Systematic")).click()
    page.get_by_text("Your meeting request has been sent.").wait_for()

    sign_in(page, brokerage.bob)
    page.goto(f"{base}/agenda/")
    page.get_by_role("button", name=re.compile(r"^Accept\W+ARENA2036")).click()
    page.get_by_text("The meeting is booked.").wait_for()
    assert agenda_rows(page) == ["ARENA2036"]
    assert_no_axe_violations(page)
    save_screenshot(page, "brokerage-agenda-en")

    sign_in(page, brokerage.alice)
    page.goto(f"{base}/agenda/")
    assert agenda_rows(page) == ["Systematic Paris-Region"]
    assert (
        page.get_by_role("button", name=re.compile(r"^Cancel the meeting\W+Systematic")).count()
        == 1
    )
    page.get_by_role("link", name="Withdraw the registration").click()
    page.get_by_role("heading", name="Withdraw the registration", level=1).wait_for()
    assert_no_axe_violations(page)
