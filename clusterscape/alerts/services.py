"""Every write of alerts: saving a search or a request profile, changing the frequency,
deleting, and stopping alerts by a signed link (no sign-in needed).

A saved search is validated by the search form, a request profile by the match explorer's
form, so an alert holds only what those forms accept and is read back by them."""

from collections.abc import Mapping

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from clusterscape.accounts.permissions import AnyUser, is_signed_in, require
from clusterscape.matchmaking.forms import ExplorerForm
from clusterscape.search import queries as search_queries
from clusterscape.search.forms import SearchForm
from clusterscape.search.models import SearchDocument

from .models import Alert

# What an alert reports.
KINDS = (SearchDocument.Kind.ORGANISATION, SearchDocument.Kind.REQUEST, SearchDocument.Kind.CALL)
# The search form's parameters an alert keeps (not the page, its size or the order).
SEARCH_KEYS = (
    "q",
    *search_queries.FACETS,
    "date_from",
    "date_to",
    "near",
    "lat",
    "lon",
    "radius",
)
PROFILE_KEYS = ("me_country", "me_fields", "me_offers", "me_seeks", "me_targets", "me_keywords")
MAX_ALERTS = 50
UNSUBSCRIBE_SALT = "clusterscape.alerts.unsubscribe"


def as_query_dict(query: Mapping[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in query.items():
        data.setlist(name, list(values))
    return data


def _kept(data: QueryDict, keys: tuple[str, ...]) -> dict[str, list[str]]:
    kept = {}
    for name in keys:
        values = [value.strip() for value in data.getlist(name) if value.strip()]
        if values:
            kept[name] = values
    return kept


def _errors(form) -> ValidationError:
    return ValidationError(
        {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    )


def _save(user: AnyUser, kind: str, query: dict, frequency: str, language: str) -> Alert:
    require(is_signed_in(user))
    if frequency not in Alert.Frequency.values:
        raise ValidationError({"frequency": [_("Choose daily or weekly.")]})
    if Alert.objects.filter(user=user).count() >= MAX_ALERTS:
        raise ValidationError(
            _("You have %(count)d alerts, the most one can keep. Delete one first.")
            % {"count": MAX_ALERTS}
        )
    alert = Alert(user=user, kind=kind, query=query, frequency=frequency, language=language)
    alert.full_clean()
    with transaction.atomic():
        alert.save()
    return alert


def save_search_alert(
    user: AnyUser,
    *,
    query: QueryDict,
    frequency: str = Alert.Frequency.DAILY,
    language: str = "en",
    directory: bool = False,
) -> Alert:
    """Save the search (the parameters of the search page, or of the directory, which
    shows only organisations) as an alert. Raises ValidationError naming what is wrong."""
    data = query.copy()
    if directory:
        data.setlist("type", [SearchDocument.Kind.ORGANISATION])
    form = SearchForm(data)
    if not form.is_valid():
        raise _errors(form)
    kept = _kept(data, SEARCH_KEYS)
    types = kept.get("type", [])
    if types and not set(types) & set(KINDS):
        raise ValidationError(
            {"type": [_("Alerts report organisations, partner requests and funding calls.")]}
        )
    if not kept:
        raise ValidationError(_("Search for something or pick a filter before saving an alert."))
    return _save(user, Alert.Kind.SEARCH, kept, frequency, language)


def save_profile_alert(
    user: AnyUser,
    *,
    query: QueryDict,
    frequency: str = Alert.Frequency.DAILY,
    language: str = "en",
) -> Alert:
    """Save a request profile (fields, what one offers and seeks, countries, keywords; the
    match explorer's description of oneself) as an alert."""
    form = ExplorerForm(query)
    if not form.is_valid():
        raise _errors(form)
    data = form.cleaned_data
    if not (
        data.get("me_fields")
        or data.get("me_offers")
        or data.get("me_seeks")
        or data.get("me_keywords")
    ):
        raise ValidationError(
            {"me_fields": [_("Name at least a field, something you offer or seek, or a topic.")]}
        )
    return _save(user, Alert.Kind.PROFILE, _kept(query, PROFILE_KEYS), frequency, language)


def own_alert(user: AnyUser, pk: int) -> Alert:
    """The user's alert; another user's is as if it did not exist."""
    alert = Alert.objects.filter(pk=pk, user=user).first() if is_signed_in(user) else None
    if alert is None:
        raise Alert.DoesNotExist
    return alert


def set_frequency(alert: Alert, *, by: AnyUser, frequency: str) -> Alert:
    """Change how often the alert reports; saving it also starts a stopped alert again."""
    require(is_signed_in(by) and alert.user_id == by.pk)
    if frequency not in Alert.Frequency.values:
        raise ValidationError({"frequency": [_("Choose daily or weekly.")]})
    alert.frequency = frequency
    alert.active = True
    alert.save(update_fields=["frequency", "active"])
    return alert


def delete_alert(alert: Alert, *, by: AnyUser) -> None:
    require(is_signed_in(by) and alert.user_id == by.pk)
    alert.delete()


def unsubscribe_token(alert: Alert | None = None, *, user=None) -> str:
    """A signed token that stops one alert, or (for a user) all of the user's alerts."""
    if alert is not None:
        return signing.dumps({"alert": alert.pk}, salt=UNSUBSCRIBE_SALT)
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT)


def alerts_of_token(token: str):
    """The alerts a token stops; ValidationError for a token that is not ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid.")) from error
    if "alert" in data:
        return Alert.objects.filter(pk=data["alert"])
    return Alert.objects.filter(user_id=data.get("user"))


def unsubscribe(token: str) -> int:
    """Stop the alerts of a signed link; returns how many were running."""
    with transaction.atomic():
        return alerts_of_token(token).filter(active=True).update(active=False)
