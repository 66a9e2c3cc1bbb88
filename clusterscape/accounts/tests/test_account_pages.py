import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail

from clusterscape.accounts.models import User, UserSession

from .factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).removeprefix("http://testserver")


def test_signup_sends_verification_and_link_activates_account(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # mails are queued on commit
        response = client.post(
            "/en/account/signup/",
            {"username": "anna", "email": "Anna@Example.org", "password": "a-long-pass-phrase-9"},
        )

    user = User.objects.get(username="anna")
    assert response.status_code == 200
    assert user.is_active is False
    assert [m.to for m in mail.outbox] == [["Anna@example.org"]]
    verify = client.get(_link(mail.outbox[0]))
    user.refresh_from_db()
    assert verify.status_code == 302
    assert verify["Location"] == "/en/account/login/"
    assert user.is_active is True


def test_signup_refuses_taken_email_and_weak_password_naming_fields(client):
    UserFactory(username="bert", email="bert@example.org")

    response = client.post(
        "/en/account/signup/", {"username": "bert2", "email": "BERT@example.org", "password": "1"}
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["email"] == ["An account with this e-mail address exists already."]
    assert (
        "This password is too short. It must contain at least 8 characters."
        in (form.errors["password"])
    )
    assert User.objects.filter(username="bert2").exists() is False
    assert 'aria-invalid="true"' in response.content.decode()


def test_verification_link_tampered_is_refused(client):
    response = client.get("/en/account/verify/not-a-token/")

    assert response.status_code == 400
    assert "This confirmation link is invalid or has expired." in response.content.decode()


@pytest.mark.parametrize("login", ["carla", "CARLA@example.org"])
def test_login_by_username_or_email(client, login):
    UserFactory(username="carla", email="carla@example.org")

    response = client.post("/en/account/login/", {"login": login, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/en/account/"
    assert client.get("/en/account/").context["user"].username == "carla"


def test_login_refuses_unverified_account_with_clear_message(client):
    UserFactory(username="dora", is_active=False)

    response = client.post("/en/account/login/", {"login": "dora", "password": PASSWORD})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Please confirm your e-mail address first: follow the link we sent."
    ]


def test_login_redirects_only_to_own_site(client):
    UserFactory(username="emil")

    response = client.post(
        "/en/account/login/",
        {"login": "emil", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == "/en/account/"


def test_logout_needs_post(client):
    client.force_login(UserFactory())

    refused = client.get("/en/account/logout/")
    done = client.post("/en/account/logout/")

    assert refused.status_code == 405
    assert done.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_keeps_session(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/en/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-fine-phrase-7",
            "new_password2": "another-fine-phrase-7",
        },
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.check_password("another-fine-phrase-7") is True
    assert client.get("/en/account/").status_code == 200


def test_password_reset_mail_link_sets_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory(username="fritz", email="fritz@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/en/account/password/reset/", {"email": "fritz@example.org"})
    link = _link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-phrase-42", "new_password2": "brand-new-phrase-42"},
    )

    user.refresh_from_db()
    assert sent["Location"] == "/en/account/password/reset/sent/"
    assert done["Location"] == "/en/account/login/"
    assert user.check_password("brand-new-phrase-42") is True


def test_password_reset_does_not_reveal_unknown_addresses(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/account/password/reset/", {"email": "nobody@example.org"})

    assert response["Location"] == "/en/account/password/reset/sent/"
    assert mail.outbox == []


def test_session_list_ends_another_session(client):
    user = UserFactory(username="greta")
    other_browser = client.__class__()
    other_browser.post("/en/account/login/", {"login": "greta", "password": PASSWORD})
    client.post("/en/account/login/", {"login": "greta", "password": PASSWORD})
    other = UserSession.objects.exclude(session_key=client.session.session_key).get(user=user)

    page = client.get("/en/account/sessions/")
    client.post("/en/account/sessions/", {"session": other.pk})

    assert len(page.context["sessions"]) == 2
    assert Session.objects.filter(session_key=other.session_key).exists() is False
    assert other_browser.get("/en/account/")["Location"] == "/en/account/login/?next=/en/account/"
    assert client.get("/en/account/").status_code == 200


def test_session_of_another_user_cannot_be_ended(client):
    victim = UserFactory(username="hans")
    victim_browser = client.__class__()
    victim_browser.post("/en/account/login/", {"login": "hans", "password": PASSWORD})
    entry = UserSession.objects.get(user=victim)
    client.force_login(UserFactory())

    response = client.post("/en/account/sessions/", {"session": entry.pk})

    assert response.status_code == 404
    assert Session.objects.filter(session_key=entry.session_key).exists() is True


def test_header_shows_sign_in_or_account_link(client):
    anonymous = client.get("/en/privacy/").content.decode()
    client.force_login(UserFactory())
    signed_in = client.get("/en/privacy/").content.decode()

    assert '<a href="/en/account/login/">Sign in</a>' in anonymous
    assert '<a href="/en/account/">Your account</a>' in signed_in


def test_account_pages_speak_german(client):
    response = client.get("/de/account/login/")

    assert response.status_code == 200
    assert "<h1>Anmelden</h1>" in response.content.decode()
