"""Account pages: thin views over accounts.services and the permission functions."""

import functools
import json

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clusterscape.registry import services as registry_services
from clusterscape.registry.models import Organisation
from clusterscape.registry.records import RecordInvalid, record_from_organisation

from . import history, invitations, permissions, ratelimit, services
from .decorators import two_factor_required
from .forms import (
    ApiTokenForm,
    ClaimForm,
    ContactPersonForm,
    DecisionForm,
    DeleteAccountForm,
    InviteForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    RegisterOrganisationForm,
    SecondFactorForm,
    SetPasswordForm,
    SignUpForm,
    ValidationDecisionForm,
)
from .middleware import TWO_FACTOR_SESSION_KEY
from .models import (
    ApiToken,
    ContactPerson,
    Invitation,
    Membership,
    OrganisationClaim,
    User,
    ValidationCriterion,
)

# The label of the header's account navigation in core/base.html, translated here.
NAV_LABEL = gettext_lazy("Account")
PENDING_USER_SESSION_KEY = "accounts_pending_user"


def _add_errors(form, error: ValidationError) -> None:
    for name, errors in error.message_dict.items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)
    form.full_clean_errors_tied = True
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["aria-describedby"] = f"{form[name].auto_id}_errors"
            form.fields[name].widget.attrs["aria-invalid"] = "true"


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def staff_required(view):
    """Editors' pages: signed-in editors who passed the second factor."""

    @functools.wraps(view)
    @two_factor_required
    def wrapped(request, *args, **kwargs):
        permissions.require(permissions.is_editor(request.user))
        return view(request, *args, **kwargs)

    return wrapped


def _finish_login(request: HttpRequest, user: User, *, second_factor: bool) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if second_factor:
        request.session[TWO_FACTOR_SESSION_KEY] = True
    services.remember_session(request, user)


# Sign-up, sign-in, sign-out -----------------------------------------------------------------


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_up(**form.cleaned_data, request=request)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return render(
                request, "accounts/signup_done.html", {"email": form.cleaned_data["email"]}
            )
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": _("Create an account"),
            "submit": _("Create account"),
            "intro": _("With an account you can manage your organisation's profile."),
        },
    )


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.verify_email(token)
    except ValidationError as error:
        return render(
            request,
            "accounts/message.html",
            {"title": _("Link not valid"), "text": error.messages[0]},
            status=400,
        )
    messages.success(request, _("Your e-mail address is confirmed. You can sign in now."))
    return redirect("accounts:login")


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = form.user
        if services.has_two_factor(user):
            request.session[PENDING_USER_SESSION_KEY] = user.pk
            next_url = _next_url(request, "")
            return redirect(
                reverse("accounts:two-factor-login") + (f"?next={next_url}" if next_url else "")
            )
        _finish_login(request, user, second_factor=False)
        if services.requires_two_factor(user):
            messages.info(request, _("Platform staff use two-factor authentication: set it up."))
            return redirect("accounts:two-factor-setup")
        return redirect(_next_url(request, reverse("accounts:home")))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=429 if form.is_bound and form.locked else 200,
    )


def two_factor_login(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_USER_SESSION_KEY)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("accounts:login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = f"user:{user.pk}"
        if ratelimit.locked_for("2fa", key, allowed=ratelimit.LOGIN_FAILURES_ALLOWED):
            form.add_error("code", _("Too many wrong codes. Please wait 15 minutes."))
        elif services.verify_second_factor(user, form.cleaned_data["code"]):
            ratelimit.clear("2fa", key)
            del request.session[PENDING_USER_SESSION_KEY]
            _finish_login(request, user, second_factor=True)
            return redirect(_next_url(request, reverse("accounts:home")))
        else:
            ratelimit.hit("2fa", key, window=ratelimit.LOGIN_WINDOW_SECONDS)
            form.add_error("code", _("This code is not valid."))
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": _("Two-factor authentication"),
            "submit": _("Sign in"),
            "intro": _("Enter the code from your authenticator app."),
            "next": request.GET.get("next", ""),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("registry:home")


@login_required
def account_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": user.memberships.select_related("organisation"),
            "claims": user.claims.select_related("organisation"),
            "two_factor": services.has_two_factor(user),
            "is_editor": permissions.is_editor(user),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:home")
    extra_context = {"title": gettext_lazy("Change password"), "submit": gettext_lazy("Save")}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for a reset link; limited per address and per e-mail, and silent about whether an
    account exists."""

    form_class = PasswordResetForm
    template_name = "accounts/form_page.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")
    extra_context = {
        "title": gettext_lazy("Reset your password"),
        "submit": gettext_lazy("Send link"),
        "intro": gettext_lazy("We send a link to set a new password to your e-mail address."),
    }

    def post(self, request, *args, **kwargs):
        address = request.META.get("REMOTE_ADDR") or ""
        if ratelimit.locked_for("reset", address, allowed=ratelimit.RESET_REQUESTS_ALLOWED):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _("Too many requests. Please try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        ratelimit.hit("reset", address, window=ratelimit.RESET_WINDOW_SECONDS)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:login")
    extra_context = {"title": gettext_lazy("Set a new password"), "submit": gettext_lazy("Save")}

    def form_valid(self, form):
        response = super().form_valid(form)
        ratelimit.clear("login", f"name:{form.user.username}")
        messages.success(self.request, _("Your password is set. You can sign in now."))
        return response


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/message.html",
        {
            "title": _("Check your e-mail"),
            "text": _(
                "If an account has this address, a link to set a new password is on its way."
            ),
        },
    )


# Sessions and two-factor --------------------------------------------------------------------


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("all"):
            count = services.end_other_sessions(request.user, keep=request.session.session_key)
            messages.success(request, _("Other sessions ended: %(count)s.") % {"count": count})
        else:
            try:
                services.end_session(request.user, int(request.POST.get("session") or 0))
            except (ValueError, ValidationError):
                raise Http404 from None
            messages.success(request, _("The session is ended."))
        return redirect("accounts:sessions")
    return render(
        request,
        "accounts/sessions.html",
        {
            "sessions": services.sessions_of(request.user),
            "current": request.session.session_key,
        },
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if services.has_two_factor(request.user):
        if not request.session.get(TWO_FACTOR_SESSION_KEY):
            # signed in without the second factor (before it was set up elsewhere): ask for it
            logout(request)
            return redirect(f"{reverse('accounts:login')}?next={request.GET.get('next', '')}")
        return render(request, "accounts/two_factor_on.html", {})
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_totp(request.user, form.cleaned_data["code"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            request.session[TWO_FACTOR_SESSION_KEY] = True
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request, reverse("accounts:home"))},
            )
    device = getattr(request.user, "totp_device", None)
    if device is None or request.method == "GET":
        device = services.start_totp(request.user)
    uri = services.provisioning_uri(device)
    qr_svg = segno.make(uri, error="m").svg_inline(
        scale=4, title=_("QR code for your authenticator app")
    )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": device.secret,
            "next": request.GET.get("next", ""),
        },
    )


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    try:
        services.disable_two_factor(request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        request.session.pop(TWO_FACTOR_SESSION_KEY, None)
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:home")


# Organisations: claims, registration, people -------------------------------------------------


@login_required
def claim_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_organisation(
                request.user, organisation, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Thank you. The editors will check your claim."))
            return redirect("accounts:home")
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": _("I manage %(organisation)s") % {"organisation": organisation.name},
            "submit": _("Send claim"),
            "intro": _("An editor checks your claim; then you can edit the profile."),
        },
    )


@staff_required
def claim_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/claim_list.html",
        {
            "claims": OrganisationClaim.objects.filter(
                status=OrganisationClaim.Status.OPEN
            ).select_related("user", "organisation"),
            "form": DecisionForm(),
        },
    )


@staff_required
@require_POST
def claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(OrganisationClaim, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_claim(
                claim,
                approve=form.cleaned_data["approve"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The claim is decided."))
    else:
        messages.error(request, _("Choose approve or reject."))
    return redirect("accounts:claim-list")


@login_required
def register_organisation(request: HttpRequest) -> HttpResponse:
    form = RegisterOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = {**data, "country": data["country"].upper(), "source_urls": data["website"]}
        try:
            organisation = services.register_organisation(request.user, record)
        except RecordInvalid as invalid:
            _add_errors(form, ValidationError(invalid.errors))
        else:
            messages.success(
                request, _("Thank you. Your organisation waits for validation by the editors.")
            )
            return redirect("accounts:organisation-validation", slug=organisation.slug)
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": _("Register an organisation"),
            "submit": _("Register"),
            "intro": _(
                "New profiles are checked against the published criteria before they appear."
            ),
            "criteria_link": True,
        },
    )


def _managed(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    permissions.require(permissions.can_manage_organisation(request.user, organisation))
    return organisation


@login_required
def organisation_people(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _managed(request, slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.invite_colleague(
                organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The invitation is sent."))
            return redirect("accounts:organisation-people", slug=slug)
    return render(
        request,
        "accounts/people.html",
        {
            "organisation": organisation,
            "people": organisation.people.select_related("user").order_by("user__username"),
            "invitations": invitations.pending_invitations(organisation),
            "form": form,
        },
    )


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _managed(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation)
    invitations.revoke_invitation(invitation, by=request.user)
    messages.success(
        request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email}
    )
    return redirect("accounts:organisation-people", slug=slug)


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _managed(request, slug)
    membership = get_object_or_404(Membership, pk=pk, organisation=organisation)
    try:
        services.remove_member(membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The person is removed."))
    return redirect("accounts:organisation-people", slug=slug)


@login_required
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            membership = invitations.accept_invitation(token, user=request.user)
        except ValidationError as error:
            return render(
                request,
                "accounts/message.html",
                {"title": _("Invitation not valid"), "text": error.messages[0]},
                status=400,
            )
        messages.success(
            request,
            _("You now belong to %(organisation)s.") % {"organisation": membership.organisation},
        )
        return redirect("accounts:home")
    return render(request, "accounts/accept_invitation.html", {})


# Validation ---------------------------------------------------------------------------------


def criteria(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/criteria.html", {"criteria": ValidationCriterion.objects.all()}
    )


@login_required
def organisation_validation(request: HttpRequest, slug: str) -> HttpResponse:
    """The applicant (a manager) and the editors see the criteria, the decisions and
    reasons; editors record a decision."""
    organisation = _managed(request, slug)
    form = None
    if permissions.is_editor(request.user):
        if not request.session.get(TWO_FACTOR_SESSION_KEY) and request.method == "POST":
            return redirect(f"{reverse('accounts:two-factor-setup')}?next={request.path}")
        form = ValidationDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.decide_validation(organisation, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("accounts:organisation-validation", slug=slug)
    elif request.method == "POST":
        permissions.require(False)
    results = services.criteria_results(organisation)
    return render(
        request,
        "accounts/validation.html",
        {
            "organisation": organisation,
            "criteria": [(c, results.get(c.code)) for c in ValidationCriterion.objects.all()],
            "exemptable": services.is_in_official_programme(organisation),
            "decisions": organisation.validation_decisions.select_related("decided_by"),
            "form": form,
        },
    )


@staff_required
def validation_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/validation_queue.html",
        {"organisations": Organisation.objects.filter(status=Organisation.Status.PENDING)},
    )


# Profile editing and history ----------------------------------------------------------------

PROFILE_COLUMNS = tuple(ProfileForm.base_fields)


@login_required
def profile_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _managed(request, slug)
    record = record_from_organisation(organisation)
    initial = {column: record.get(column) or "" for column in PROFILE_COLUMNS}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            registry_services.save_organisation_record(
                {**record, **form.cleaned_data}, by=request.user
            )
        except RecordInvalid as invalid:
            form.add_record_errors(invalid.errors)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect(organisation.get_absolute_url())
    return render(
        request, "accounts/profile_edit.html", {"form": form, "organisation": organisation}
    )


@login_required
def organisation_history(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _managed(request, slug)
    versions = list(history.versions_of(organisation)[:100])
    return render(
        request,
        "accounts/history.html",
        {
            "organisation": organisation,
            "history_entries": [(version, history.diff(version)) for version in versions],
            "can_restore": permissions.is_editor(request.user),
        },
    )


@staff_required
@require_POST
def restore_version(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    version = get_object_or_404(history.versions_of(organisation), pk=pk)
    try:
        history.restore_version(version, by=request.user)
    except RecordInvalid as invalid:
        messages.error(request, json.dumps(invalid.errors, ensure_ascii=False))
    else:
        messages.success(request, _("The version is restored."))
    return redirect("accounts:organisation-history", slug=slug)


@login_required
@require_POST
def archive_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _managed(request, slug)
    if request.POST.get("undo"):
        permissions.require(permissions.is_editor(request.user))
        registry_services.unarchive_organisation(organisation, by=request.user)
        messages.success(request, _("The organisation is back."))
    else:
        registry_services.archive_organisation(organisation, by=request.user)
        messages.success(request, _("The organisation is archived. An editor can undo this."))
    return redirect("accounts:organisation-history", slug=slug)


@login_required
def contact_persons(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _managed(request, slug)
    contact = None
    if request.GET.get("edit"):
        contact = get_object_or_404(
            ContactPerson, pk=request.GET["edit"], organisation=organisation
        )
    form = ContactPersonForm(request.POST or None, instance=contact)
    if request.method == "POST":
        if request.POST.get("delete"):
            get_object_or_404(
                ContactPerson, pk=request.POST["delete"], organisation=organisation
            ).delete()
            messages.success(request, _("The contact person is removed."))
            return redirect("accounts:contact-persons", slug=slug)
        if form.is_valid():
            entry = form.save(commit=False)
            entry.organisation = organisation
            try:
                services.save_contact_person(entry, by=request.user)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The contact person is saved."))
                return redirect("accounts:contact-persons", slug=slug)
    return render(
        request,
        "accounts/contact_persons.html",
        {
            "organisation": organisation,
            "form": form,
            "contacts": organisation.contact_persons.all(),
        },
    )


# Personal data ------------------------------------------------------------------------------


@login_required
def export_data(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(services.export_personal_data(request.user), indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="clusterscape-personal-data.json"'
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.delete_account(request.user)
        logout(request)
        messages.success(request, _("Your account and your personal data are deleted."))
        return redirect("registry:home")
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": _("Delete your account"),
            "submit": _("Delete account"),
            "intro": _("Your account and personal data are erased. Organisation profiles stay."),
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy.html", {})


def imprint(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    return render(request, "accounts/imprint.html", {"operator": settings.SITE_OPERATOR})


# API tokens ---------------------------------------------------------------------------------


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if request.POST.get("revoke"):
            token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=request.user)
            services.revoke_api_token(token, by=request.user)
            messages.success(request, _("The token is revoked."))
            return redirect("accounts:tokens")
        if form.is_valid():
            try:
                token, raw = services.create_api_token(
                    request.user,
                    name=form.cleaned_data["name"],
                    organisations=list(form.cleaned_data["organisations"]),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return render(request, "accounts/token_created.html", {"token": token, "raw": raw})
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": request.user.api_tokens.prefetch_related("organisations")},
    )


def redirect_to_login(request: HttpRequest) -> HttpResponseRedirect:
    return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
