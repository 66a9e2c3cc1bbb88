from django import forms
from django.utils.translation import gettext_lazy as _

from clusterscape.core.forms import AccessibleErrorsMixin

from .models import CorrectionSuggestion


class CorrectionForm(AccessibleErrorsMixin, forms.Form):
    """A visitor's correction of a profile. `website` is a trap for bots: people leave it
    empty because it is hidden from them."""

    message = forms.CharField(
        label=_("What is wrong or missing?"),
        max_length=CorrectionSuggestion.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please name a source for the correct fact if you can."),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("Only if you want an answer; used for nothing else."),
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Leave this field empty."))
        return ""
