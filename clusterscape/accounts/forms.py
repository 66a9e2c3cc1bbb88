import logging

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from clusterscape.core.forms import AccessibleErrorsMixin
from clusterscape.core.mail import send_mails_later
from clusterscape.registry.models import Organisation

from . import ratelimit
from .models import ContactPerson, Membership, User, ValidationDecision

logger = logging.getLogger(__name__)


class SignUpForm(AccessibleErrorsMixin, forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and @/./+/-/_ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send a link to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class LoginForm(AccessibleErrorsMixin, forms.Form):
    """Sign in with the user name or the e-mail address. Wrong passwords in a row lock the
    account name and the address for a while (ratelimit)."""

    login = forms.CharField(
        label=_("E-mail address or user name"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: User | None = None
        self.locked = False

    def _keys(self, login: str) -> list[str]:
        address = (self.request.META.get("REMOTE_ADDR") if self.request else "") or ""
        return [f"name:{login}", f"address:{address}"]

    def clean(self) -> dict:
        cleaned = super().clean()
        login, password = cleaned.get("login"), cleaned.get("password")
        if not login or not password:
            return cleaned
        username = login
        if "@" in login:
            match = User.objects.filter(email__iexact=login).first()
            username = match.username if match else login
        keys = self._keys(username)  # one count for the user name and the e-mail spelling
        name_locked = ratelimit.locked_for(
            "login", keys[0], allowed=ratelimit.LOGIN_FAILURES_ALLOWED
        )
        address_locked = ratelimit.locked_for(
            "login", keys[1], allowed=ratelimit.LOGIN_FAILURES_PER_ADDRESS
        )
        if name_locked or address_locked:
            self.locked = True
            logger.warning("sign-in refused: locked after repeated failures")
            raise forms.ValidationError(
                _("Too many failed sign-ins. Please wait 15 minutes or reset your password."),
                code="locked",
            )
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            failures = max(
                ratelimit.hit("login", key, window=ratelimit.LOGIN_WINDOW_SECONDS) for key in keys
            )
            logger.warning("sign-in failed (%s in a row)", failures)
            inactive = User.objects.filter(username=username, is_active=False).first()
            if inactive is not None and inactive.check_password(password):
                raise forms.ValidationError(
                    _("Please confirm your e-mail address first: follow the link we sent."),
                    code="inactive",
                )
            raise forms.ValidationError(
                _("The e-mail address, user name or password is not correct."), code="invalid"
            )
        ratelimit.clear("login", keys[0])
        self.user = user
        return cleaned


class SecondFactorForm(AccessibleErrorsMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(AccessibleErrorsMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(AccessibleErrorsMixin, auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """The reset link goes out through the background queue, as every e-mail does."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        message = EmailMultiAlternatives(
            subject, render_to_string(email_template_name, context), from_email, [to_email]
        )
        if html_email_template_name is not None:
            message.attach_alternative(
                render_to_string(html_email_template_name, context), "text/html"
            )
        send_mails_later([message])


class SetPasswordForm(AccessibleErrorsMixin, auth_forms.SetPasswordForm):
    pass


class ClaimForm(AccessibleErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you manage this organisation?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your position in the organisation and how the editors can check it."),
    )


class DecisionForm(AccessibleErrorsMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("approve")), ("0", _("reject"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the applicant; required for a rejection."),
    )


class ValidationDecisionForm(AccessibleErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=ValidationDecision.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the applicant."),
    )


class InviteForm(AccessibleErrorsMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address of your colleague"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RegisterOrganisationForm(AccessibleErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    slug = forms.SlugField(
        label=_("Short address"),
        max_length=100,
        help_text=_("Lower-case letters, digits and dashes; used in the profile's address."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    country = forms.CharField(
        label=_("Country code"), max_length=2, help_text=_("ISO 3166 code, e.g. DE.")
    )
    website = forms.URLField(label=_("Website"), assume_scheme="https")
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    description_de = forms.CharField(
        label=_("Description (German)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ProfileForm(AccessibleErrorsMixin, forms.Form):
    """The columns of the organisation record a manager edits; the registry's record service
    checks them (one rule, as for imports and the API)."""

    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    city = forms.CharField(label=_("City or region"), max_length=200, required=False)
    website = forms.CharField(label=_("Website"), max_length=500, required=False)
    founding_year = forms.CharField(label=_("Founding year"), max_length=4, required=False)
    management_organisation = forms.CharField(
        label=_("Management organisation"), max_length=255, required=False
    )
    management_staff_fte = forms.CharField(
        label=_("Management staff (FTE)"), max_length=10, required=False
    )
    members_sme = forms.CharField(label=_("SMEs"), max_length=10, required=False)
    members_large = forms.CharField(label=_("Large companies"), max_length=10, required=False)
    members_startup = forms.CharField(label=_("Start-ups"), max_length=10, required=False)
    members_research = forms.CharField(
        label=_("Research institutes"), max_length=10, required=False
    )
    members_university = forms.CharField(label=_("Universities"), max_length=10, required=False)
    members_public = forms.CharField(label=_("Public bodies"), max_length=10, required=False)
    members_other = forms.CharField(label=_("Other members"), max_length=10, required=False)
    members_year = forms.CharField(label=_("Members counted in"), max_length=4, required=False)
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=500,
        required=False,
        help_text=_("Free keywords or topics, separated by ';'."),
    )
    description_de = forms.CharField(
        label=_("Description (German)"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def add_record_errors(self, errors: dict[str, list[str]]) -> None:
        for column, messages in errors.items():
            for message in messages:
                self.add_error(column if column in self.fields else None, message)
        # the mixin ties the new errors to their inputs
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                self.fields[name].widget.attrs["aria-describedby"] = f"{bound.auto_id}_errors"
                self.fields[name].widget.attrs["aria-invalid"] = "true"


class ContactPersonForm(AccessibleErrorsMixin, forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ("name", "role", "email", "phone", "consent")


class ApiTokenForm(AccessibleErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for."))
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The token may write only for these organisations."),
    )

    def __init__(self, *args, user: User, **kwargs):
        from .permissions import managed_organisations

        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = managed_organisations(user)


class DeleteAccountForm(AccessibleErrorsMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that you want to delete your account."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError(_("The password is not correct."))
        return self.cleaned_data["password"]
