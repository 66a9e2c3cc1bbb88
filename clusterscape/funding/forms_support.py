"""Turning the services' ValidationErrors into form errors on the right fields, for the
admin and the working pages alike."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put each message on the field it names; messages about fields the form doesn't show
    become errors of the whole form (so nothing is lost)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        target = name if name in form.fields else None
        if target is None and name != NON_FIELD_ERRORS:
            messages = [str(message) for message in messages]
        for message in messages:
            form.add_error(target, message)
    _tie_errors_to_inputs(form)


def _tie_errors_to_inputs(form: forms.BaseForm) -> None:
    """As core.forms.AccessibleErrorsMixin does for the form's own errors: the error list
    describes the input, which is marked invalid."""
    for name in form.errors:
        if name not in form.fields:
            continue
        bound = form[name]
        described_by = [f"{bound.auto_id}_errors"]
        if form.fields[name].help_text:
            described_by.append(f"{bound.auto_id}_helptext")
        form.fields[name].widget.attrs["aria-describedby"] = " ".join(described_by)
        form.fields[name].widget.attrs["aria-invalid"] = "true"
