import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from clusterscape.accounts.models import Membership, OrganisationClaim, User
from clusterscape.registry.models import Organisation
from clusterscape.registry.tests.factories import OrganisationFactory

from .factories import MembershipFactory, UserFactory, sign_in_staff

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"
PROJECT_DIR = Path(settings.BASE_DIR)


def test_production_settings_pass_check_deploy():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECURE_SSL_REDIRECT", "DEBUG", "SECURE_COOKIES"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="clusterscape.example",
        STATIC_MANIFEST="0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    )


def test_security_headers_on_pages(client):
    response = client.get("/en/privacy/", secure=True)

    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script_src == "'self'"
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_secure_httponly_samesite(client):
    UserFactory(username="pia")

    login_page = client.get("/en/account/login/")
    response = client.post("/en/account/login/", {"login": "pia", "password": PASSWORD})

    session = response.cookies[settings.SESSION_COOKIE_NAME]
    csrf = login_page.cookies[settings.CSRF_COOKIE_NAME]
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")
    assert (csrf["secure"], csrf["httponly"], csrf["samesite"]) == (True, True, "Lax")


def test_wrong_passwords_in_a_row_lock_the_account_name(client):
    UserFactory(username="quentin")
    for _attempt in range(5):
        client.post("/en/account/login/", {"login": "quentin", "password": "wrong"})

    locked = client.post("/en/account/login/", {"login": "quentin", "password": PASSWORD})

    assert locked.status_code == 429
    assert locked.context["form"].non_field_errors() == [
        "Too many failed sign-ins. Please wait 15 minutes or reset your password."
    ]
    assert "_auth_user_id" not in client.session


def test_lockout_also_holds_for_the_email_spelling_from_another_address(client):
    UserFactory(username="rita", email="rita@example.org")
    for _attempt in range(5):
        client.post("/en/account/login/", {"login": "rita", "password": "wrong"})
    other_address = Client(REMOTE_ADDR="203.0.113.9")

    locked = other_address.post(
        "/en/account/login/", {"login": "RITA@example.org", "password": PASSWORD}
    )

    assert locked.status_code == 429


def test_password_reset_is_rate_limited(client):
    for _attempt in range(5):
        client.post("/en/account/password/reset/", {"email": "x@example.org"})

    response = client.post("/en/account/password/reset/", {"email": "x@example.org"})

    assert response.status_code == 429


def test_forged_csrf_is_refused_and_changes_nothing():
    membership = MembershipFactory(organisation__slug="csrf-target", organisation__city="Jena")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(membership.user)

    response = browser.post(
        "/en/account/organisations/csrf-target/edit/", {"name": "Forged", "city": "Forged"}
    )
    login = Client(enforce_csrf_checks=True).post(
        "/en/account/login/", {"login": "x", "password": "y"}
    )

    organisation = Organisation.objects.get(slug="csrf-target")
    assert (response.status_code, login.status_code) == (403, 403)
    assert (organisation.name, organisation.city) == (membership.organisation.name, "Jena")


def test_idor_removing_a_member_of_another_organisation_is_not_found(client):
    mine = MembershipFactory(organisation__slug="mine")
    theirs = MembershipFactory(organisation__slug="theirs", role="member")
    client.force_login(mine.user)

    response = client.post(f"/en/account/organisations/mine/people/{theirs.pk}/remove/")

    assert response.status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists() is True


def test_xss_in_text_fields_is_escaped(client):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    organisation = OrganisationFactory(slug="xss", name=payload)
    OrganisationClaim.objects.create(
        user=UserFactory(username="xss-user"), organisation=organisation, reason=payload
    )
    sign_in_staff(client, UserFactory(platform_role=User.PlatformRole.EDITOR))

    claims = client.get("/en/account/claims/").content.decode()
    profile = client.get("/en/clusters/xss/").content.decode()

    for page in (claims, profile):
        assert payload not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_templates_have_no_inline_scripts_or_event_handlers():
    """The Content-Security-Policy allows scripts only from files of the site itself."""
    offending = []
    for template in sorted(PROJECT_DIR.glob("clusterscape/*/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        offending.extend(
            f"{template.relative_to(PROJECT_DIR)}: inline script"
            for match in re.finditer(r"<script\b([^>]*)>", text)
            if "src=" not in match.group(1) and "application/ld+json" not in match.group(1)
        )
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text) or "javascript:" in text:
            offending.append(f"{template.relative_to(PROJECT_DIR)}: inline handler")

    assert offending == []


def test_unpublished_organisations_cannot_be_edited_by_strangers(client):
    OrganisationFactory(slug="draft", status=Organisation.Status.DRAFT)
    client.force_login(UserFactory())

    response = client.get("/en/account/organisations/draft/edit/")

    assert response.status_code == 403


def test_many_failures_from_one_address_lock_that_address(client):
    UserFactory(username="sven")
    for attempt in range(20):
        client.post("/en/account/login/", {"login": f"guess{attempt}", "password": "wrong"})

    locked = client.post("/en/account/login/", {"login": "sven", "password": PASSWORD})
    elsewhere = Client(REMOTE_ADDR="203.0.113.7").post(
        "/en/account/login/", {"login": "sven", "password": PASSWORD}
    )

    assert (locked.status_code, elsewhere.status_code) == (429, 302)


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
def test_pages_served_from_the_page_cache_carry_the_security_headers(client):
    OrganisationFactory(slug="cached")

    first = client.get("/en/clusters/cached/")
    second = Client().get("/en/clusters/cached/")

    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self';")
