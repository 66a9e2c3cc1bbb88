"""A newcomer's journey in a real browser: create an account, confirm the address with the
mailed link, sign in, claim the profile of the organisation one manages (axe-core on its
pages); and signing in without JavaScript, in German, with a clear error for a wrong password."""

import re

from django.core import mail

from clusterscape.core.tests.e2e.support import E2E, assert_no_axe_violations

pytestmark = E2E


def test_sign_up_confirm_sign_in_and_claim_a_profile(page, landscape):
    page.goto("/en/about/data/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("User name").wait_for()  # the new page, not the one left
    assert_no_axe_violations(page)
    page.get_by_label("User name").fill("kim")
    page.get_by_label("E-mail address").fill("kim@example.org")
    page.get_by_label("Password").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()

    [message] = [m for m in mail.outbox if m.to == ["kim@example.org"]]
    link = re.search(r"https?://\S+/account/verify/\S+", message.body).group(0)
    page.goto(link)
    page.get_by_text("Your e-mail address is confirmed. You can sign in now.").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("E-mail address or user name").fill("kim@example.org")
    page.get_by_label("Password").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Your account", exact=True).wait_for()

    page.goto(f"/en/clusters/{landscape.stuttgart.slug}/")
    page.get_by_role("link", name="I manage this organisation").click()
    page.get_by_label("Why do you manage this organisation?").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("Why do you manage this organisation?").fill(
        "I lead the cluster management office; the imprint names me."
    )
    page.get_by_role("button", name="Send claim").click()
    page.get_by_text("Thank you. The editors will check your claim.").wait_for()
    assert_no_axe_violations(page)


def test_wrong_password_is_a_clear_error_without_javascript_in_german(page_without_js, landscape):
    page = page_without_js
    page.goto("/de/account/login/")
    page.get_by_label("E-Mail-Adresse oder Benutzername").fill("nobody@example.org")
    page.get_by_label("Passwort").fill("wrong")
    page.get_by_role("button", name="Anmelden").click()

    # The POST hashes a password; wait for the answer rather than look at the old page.
    error = page.get_by_role("alert").filter(
        has_text="E-Mail-Adresse, Benutzername oder Passwort sind nicht richtig."
    )
    error.wait_for()
    assert error.is_visible()
    assert page.locator("html").get_attribute("lang") == "de"
