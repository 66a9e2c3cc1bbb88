"""Decorators for views of every app that platform staff use."""

import functools

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse

from . import services
from .middleware import TWO_FACTOR_SESSION_KEY


def two_factor_required(view):
    """Signed-in, and platform staff (editors, programme officers, administrators) with the
    second factor passed in this session; others are sent to set it up or to sign in again.
    Check the role itself with accounts.permissions in the view."""

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if services.requires_two_factor(request.user) and not request.session.get(
            TWO_FACTOR_SESSION_KEY
        ):
            return redirect(
                f"{reverse('accounts:two-factor-setup')}?next={request.get_full_path()}"
            )
        return view(request, *args, **kwargs)

    return wrapped
