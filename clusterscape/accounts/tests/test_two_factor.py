import re

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clusterscape.accounts import services
from clusterscape.accounts.models import RecoveryCode, TOTPDevice, User

from .factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"


def _confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(
        user=user, secret=pyotp.random_base32(), confirmed_at=timezone.now()
    )


def test_setup_shows_svg_qr_code_and_confirms_with_code(client):
    user = UserFactory()
    client.force_login(user)

    page = client.get("/en/account/two-factor/")
    secret = page.context["secret"]
    done = client.post("/en/account/two-factor/", {"code": pyotp.TOTP(secret).now()})

    assert '<svg width="' in page.content.decode()
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert services.has_two_factor(user) is True
    assert RecoveryCode.objects.filter(user=user).count() == 10


def test_setup_refuses_wrong_code(client):
    user = UserFactory()
    client.force_login(user)
    client.get("/en/account/two-factor/")

    response = client.post("/en/account/two-factor/", {"code": "000000"})

    assert response.context["form"].errors["code"] == [
        "This code is not valid. Enter the current code."
    ]
    assert services.has_two_factor(user) is False


def test_login_with_two_factor_asks_for_code(client):
    user = UserFactory(username="ida")
    device = _confirmed_device(user)

    first = client.post("/en/account/login/", {"login": "ida", "password": PASSWORD})
    between = client.get("/en/account/")
    second = client.post("/en/account/login/code/", {"code": pyotp.TOTP(device.secret).now()})

    assert first["Location"] == "/en/account/login/code/"
    assert between.status_code == 302
    assert second["Location"] == "/en/account/"
    assert client.get("/en/account/").status_code == 200


def test_totp_code_is_not_accepted_twice(client):
    user = UserFactory()
    device = _confirmed_device(user)
    code = pyotp.TOTP(device.secret).now()

    assert services.verify_second_factor(user, code) is True
    assert services.verify_second_factor(user, code) is False


def test_recovery_code_signs_in_once():
    user = UserFactory()
    _confirmed_device(user)
    codes = services.new_recovery_codes(user)

    assert services.verify_second_factor(user, codes[0]) is True
    assert services.verify_second_factor(user, codes[0]) is False
    assert services.verify_second_factor(user, codes[1]) is True


def test_staff_without_second_factor_is_sent_to_setup_before_admin(client):
    editor = UserFactory(platform_role=User.PlatformRole.EDITOR, is_staff=True)
    client.force_login(editor)

    response = client.get("/en/admin/")

    assert response["Location"] == "/en/account/two-factor/?next=/en/admin/"


def test_staff_with_second_factor_reaches_admin(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    device = _confirmed_device(admin)
    client.post("/en/account/login/", {"login": "root", "password": PASSWORD})
    client.post("/en/account/login/code/", {"code": pyotp.TOTP(device.secret).now()})

    response = client.get("/en/admin/")

    assert response.status_code == 200


def test_admin_login_page_leads_to_site_login(client):
    response = client.get("/en/admin/login/?next=/en/admin/")

    assert response["Location"] == "/en/account/login/?next=/en/admin/"


def test_editor_pages_need_second_factor(client):
    client.force_login(UserFactory(platform_role=User.PlatformRole.EDITOR))

    response = client.get("/en/account/claims/")

    assert response["Location"] == "/en/account/two-factor/?next=/en/account/claims/"


def test_staff_cannot_turn_second_factor_off():
    editor = UserFactory(platform_role=User.PlatformRole.EDITOR)
    _confirmed_device(editor)

    with pytest.raises(ValidationError, match="Platform staff cannot turn two-factor"):
        services.disable_two_factor(editor)
    assert services.has_two_factor(editor) is True


def test_wrong_codes_in_a_row_lock_the_second_step(client):
    user = UserFactory(username="jan")
    device = _confirmed_device(user)
    client.post("/en/account/login/", {"login": "jan", "password": PASSWORD})
    for _attempt in range(5):
        client.post("/en/account/login/code/", {"code": "000000"})

    response = client.post("/en/account/login/code/", {"code": pyotp.TOTP(device.secret).now()})

    assert response.context["form"].errors["code"] == [
        "Too many wrong codes. Please wait 15 minutes."
    ]
    assert re.search("_auth_user_id", str(dict(client.session))) is None


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (User.PlatformRole.EDITOR, "/en/my/content/review/"),
        (User.PlatformRole.EDITOR, "/en/account/claims/"),
        (User.PlatformRole.PROGRAMME_OFFICER, "/en/funding/work/applications/"),
    ],
)
def test_staff_pages_beyond_the_admin_ask_staff_for_the_second_factor(client, role, path):
    staff = UserFactory(platform_role=role)
    client.force_login(staff)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/en/account/two-factor/?next={path}"
