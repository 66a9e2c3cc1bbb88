"""Every write of matchmaking: bookmarks (stored for signed-in users, in the session for
visitors)."""

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction

from clusterscape.accounts.permissions import AnyUser, is_signed_in
from clusterscape.registry.models import Organisation

from .models import Bookmark

SESSION_KEY = "match_bookmarks"
MAX_SESSION_BOOKMARKS = 100


def bookmarked_ids(user: AnyUser, session: SessionBase) -> set[int]:
    if is_signed_in(user):
        return set(Bookmark.objects.filter(user=user).values_list("organisation_id", flat=True))
    return set(session.get(SESSION_KEY, []))


def toggle_bookmark(user: AnyUser, session: SessionBase, organisation: Organisation) -> bool:
    """Bookmark the organisation, or remove its bookmark; returns whether it is bookmarked."""
    if is_signed_in(user):
        with transaction.atomic():
            deleted, _by_model = Bookmark.objects.filter(
                user=user, organisation=organisation
            ).delete()
            if deleted:
                return False
            Bookmark.objects.create(user=user, organisation=organisation)
            return True
    kept = list(session.get(SESSION_KEY, []))
    if organisation.pk in kept:
        kept.remove(organisation.pk)
        session[SESSION_KEY] = kept
        return False
    session[SESSION_KEY] = [organisation.pk, *kept][:MAX_SESSION_BOOKMARKS]
    return True
