from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account_home, name="home"),
    path("account/signup/", views.signup, name="signup"),
    path("account/verify/<str:token>/", views.verify_email, name="verify-email"),
    path("account/login/", views.login_view, name="login"),
    path("account/login/code/", views.two_factor_login, name="two-factor-login"),
    path("account/logout/", views.logout_view, name="logout"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("account/password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("account/password/reset/sent/", views.password_reset_done, name="password-reset-done"),
    path(
        "account/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("account/sessions/", views.session_list, name="sessions"),
    path("account/two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/off/", views.two_factor_disable, name="two-factor-disable"),
    path("account/data.json", views.export_data, name="export-data"),
    path("account/delete/", views.delete_account, name="delete-account"),
    path("account/tokens/", views.token_list, name="tokens"),
    path("account/register/", views.register_organisation, name="register-organisation"),
    path("account/invitation/<str:token>/", views.accept_invitation, name="accept-invitation"),
    path("account/claims/", views.claim_list, name="claim-list"),
    path("account/claims/<int:pk>/decide/", views.claim_decide, name="claim-decide"),
    path("account/validation/", views.validation_queue, name="validation-queue"),
    path("account/organisations/<slug:slug>/claim/", views.claim_organisation, name="claim"),
    path("account/organisations/<slug:slug>/edit/", views.profile_edit, name="organisation-edit"),
    path(
        "account/organisations/<slug:slug>/people/",
        views.organisation_people,
        name="organisation-people",
    ),
    path(
        "account/organisations/<slug:slug>/people/<int:pk>/remove/",
        views.remove_member,
        name="remove-member",
    ),
    path(
        "account/organisations/<slug:slug>/invitations/<int:pk>/revoke/",
        views.revoke_invitation,
        name="revoke-invitation",
    ),
    path(
        "account/organisations/<slug:slug>/validation/",
        views.organisation_validation,
        name="organisation-validation",
    ),
    path(
        "account/organisations/<slug:slug>/history/",
        views.organisation_history,
        name="organisation-history",
    ),
    path(
        "account/organisations/<slug:slug>/history/<int:pk>/restore/",
        views.restore_version,
        name="restore-version",
    ),
    path(
        "account/organisations/<slug:slug>/archive/",
        views.archive_organisation,
        name="organisation-archive",
    ),
    path(
        "account/organisations/<slug:slug>/contacts/",
        views.contact_persons,
        name="contact-persons",
    ),
    path("criteria/", views.criteria, name="criteria"),
    path("privacy/", views.privacy, name="privacy"),
    path("imprint/", views.imprint, name="imprint"),
]
