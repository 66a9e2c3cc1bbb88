"""Digests: per user and period one e-mail with what is new for each of the user's alerts
(organisations, partner requests, funding calls that became public since the alert was last
checked), nothing when nothing is new.

A saved search is answered by the search index (`search.queries.search`, the search page's
own engine), a request profile by matchmaking: new organisations are scored with
`matchmaking.scoring.score` against the described profile, new partner requests are those
`matchmaking.requests.fitting_requests` finds for it, and new funding calls are those in its
fields. Each alert remembers what it reported (`ReportedItem`) and the day of its last digest,
so a second run in the same period sends nothing.
"""

import dataclasses
import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from clusterscape.accounts.models import ValidationDecision
from clusterscape.accounts.permissions import member_organisations
from clusterscape.content import queries as content_queries
from clusterscape.content.models import FundingCall
from clusterscape.core.mail import send_mails_later, site_link
from clusterscape.matchmaking import requests as match_requests
from clusterscape.matchmaking.forms import ExplorerForm
from clusterscape.matchmaking.models import MatchProfile, PartnerRequest
from clusterscape.matchmaking.profiles import Profile
from clusterscape.matchmaking.queries import idf_for
from clusterscape.matchmaking.scoring import score
from clusterscape.registry.models import Organisation
from clusterscape.search import queries as search_queries
from clusterscape.search.forms import SearchForm
from clusterscape.search.models import SearchDocument

from . import services
from .models import Alert, Digest, ReportedItem
from .queries import describe

logger = logging.getLogger(__name__)

ORGANISATION = SearchDocument.Kind.ORGANISATION
REQUEST = SearchDocument.Kind.REQUEST
CALL = SearchDocument.Kind.CALL
# A saved search reads at most SCAN_PAGES pages of SCAN_PAGE_SIZE hits to find the new items
# among its results (best first).
SCAN_PAGE_SIZE = 500
SCAN_PAGES = 10
# A new organisation is reported for a request profile from this match score on, and only
# with a thematic or complementary part (a shared country alone is no reason).
MIN_PROFILE_SCORE = 0.2
MAX_ITEMS_PER_ALERT = 20


@dataclass
class Section:
    alert: Alert
    description: list[tuple[str, str]]
    items: list[tuple[str, int, str, str]] = field(default_factory=list)  # kind, id, title, url
    more: int = 0
    unsubscribe_url: str = ""


def due_alerts(today: datetime.date):
    """Running alerts whose period has no digest yet: daily ones not run today, weekly ones
    not run since this week's Monday."""
    monday = today - datetime.timedelta(days=today.weekday())
    not_run = Q(last_digest_on__isnull=True)
    return Alert.objects.filter(active=True, user__is_active=True).filter(
        Q(frequency=Alert.Frequency.DAILY) & (not_run | Q(last_digest_on__lt=today))
        | Q(frequency=Alert.Frequency.WEEKLY) & (not_run | Q(last_digest_on__lt=monday))
    )


def new_items(
    since: datetime.datetime, until: datetime.datetime
) -> dict[str, dict[int, datetime.datetime]]:
    """Items that became public in (since, until], with when: published organisations by
    their creation or their approval by an editor, open partner requests by their
    publication, open calls by their publishing time."""
    organisations = dict(
        Organisation.objects.filter(
            status=Organisation.Status.PUBLISHED, created_at__gt=since, created_at__lte=until
        ).values_list("pk", "created_at")
    )
    approved = (
        ValidationDecision.objects.filter(
            decided_at__gt=since,
            decided_at__lte=until,
            organisation__status=Organisation.Status.PUBLISHED,
        )
        .exclude(outcome=ValidationDecision.Outcome.REJECTED)
        .values_list("organisation_id", "decided_at")
    )
    for pk, when in approved:
        organisations[pk] = max(when, organisations.get(pk, when))
    partner_requests = (
        match_requests.open_partner_requests()
        .filter(created_at__gt=since, created_at__lte=until)
        .values_list("pk", "created_at")
    )
    calls = (
        content_queries.open_calls(until)
        .filter(publish_at__gt=since, publish_at__lte=until)
        .values_list("pk", "publish_at")
    )
    return {
        ORGANISATION: organisations,
        REQUEST: dict(partner_requests),
        CALL: dict(calls),
    }


def search_matches(alert: Alert, new: dict[str, set[int]]) -> dict[str, list[int]]:
    """The new items among the saved search's results, in the order of the results."""
    form = SearchForm(services.as_query_dict(alert.query))
    if not form.is_valid():
        return {}
    params = form.params()
    kinds = [k for k in params.filters.get("type", services.KINDS) if new.get(k)]
    if not kinds:
        return {}
    wanted = sum(len(new[kind]) for kind in kinds)
    found: dict[str, list[int]] = defaultdict(list)
    for page in range(1, SCAN_PAGES + 1):
        results = search_queries.search(
            dataclasses.replace(
                params,
                filters={**params.filters, "type": tuple(kinds)},
                page=page,
                page_size=SCAN_PAGE_SIZE,
                with_facets=False,
            ),
            hint=False,
            max_page_size=SCAN_PAGE_SIZE,
        )
        if results.relaxed:  # only some of the words: not what the user asked for
            break
        for hit in results.hits:
            if hit.object_id in new.get(hit.kind, ()):
                found[hit.kind].append(hit.object_id)
        if not results.has_next or sum(map(len, found.values())) == wanted:
            break
    return found


def profile_matches(alert: Alert, new: dict[str, set[int]]) -> dict[str, list[int]]:
    """The new items that fit the request profile: organisations by match score, partner
    requests and funding calls in its fields (or, for requests, seeking its country)."""
    form = ExplorerForm(services.as_query_dict(alert.query))
    if not form.is_valid():
        return {}
    a = form.described_profile()
    found: dict[str, list[int]] = {}
    if new.get(ORGANISATION):
        profiles = [
            Profile.from_json(pk, data)
            for pk, data in MatchProfile.objects.filter(pk__in=new[ORGANISATION]).values_list(
                "pk", "data"
            )
        ]
        idf, _df, _total = idf_for(sorted(a.terms))
        matches = [score(a, b, idf) for b in profiles]
        found[ORGANISATION] = [
            match.profile.organisation_id
            for match in sorted(matches, key=lambda m: (-m.score, m.profile.organisation_id))
            if match.score >= MIN_PROFILE_SCORE
            and (match.parts.get("thematic", 0) > 0 or match.parts.get("complementarity", 0) > 0)
        ]
    if new.get(REQUEST):
        found[REQUEST] = list(
            match_requests.fitting_requests(a)
            .filter(pk__in=new[REQUEST])
            .order_by("deadline", "pk")
            .values_list("pk", flat=True)
        )
    themes = sorted(a.fields | a.areas)
    if new.get(CALL) and themes:
        found[CALL] = list(
            FundingCall.objects.filter(pk__in=new[CALL])
            .filter(Q(fields__slug__in=themes) | Q(fields__parent__slug__in=sorted(a.areas)))
            .distinct()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return found


def _titles(found: dict[str, set[int]]) -> dict[tuple[str, int], tuple[str, str]]:
    """Title and path of every found item, in a fixed number of queries."""
    titles = {}
    for pk, name, slug in Organisation.objects.filter(
        pk__in=found.get(ORGANISATION, ())
    ).values_list("pk", "name", "slug"):
        titles[ORGANISATION, pk] = (name, reverse("registry:organisation-detail", args=[slug]))
    for pk, title in PartnerRequest.objects.filter(pk__in=found.get(REQUEST, ())).values_list(
        "pk", "title"
    ):
        titles[REQUEST, pk] = (title, reverse("matchmaking:request-detail", args=[str(pk)]))
    for pk, title, slug in FundingCall.objects.filter(pk__in=found.get(CALL, ())).values_list(
        "pk", "title", "slug"
    ):
        titles[CALL, pk] = (title, reverse("content:call-detail", kwargs={"slug": slug}))
    return titles


def _language(alerts: list[Alert]) -> str:
    """The language the user last saved an alert in."""
    return max(alerts, key=lambda alert: (alert.created_at, alert.pk)).language


def digest_for(user, alerts: list[Alert], until: datetime.datetime, items) -> list[Section]:
    """The sections of a user's digest: each alert with its new items not yet reported,
    leaving out the user's own organisations and their requests."""
    own = set(member_organisations(user).values_list("pk", flat=True))
    mine = {
        ORGANISATION: own,
        REQUEST: set(
            PartnerRequest.objects.filter(organisation__in=own).values_list("pk", flat=True)
        )
        if own
        else set(),
    }
    sections = []
    for alert in alerts:
        since = alert.checked_until or alert.created_at
        new = {
            kind: {pk for pk, when in found.items() if when > since} - mine.get(kind, set())
            for kind, found in items.items()
        }
        if not any(new.values()):
            continue
        matcher = search_matches if alert.kind == Alert.Kind.SEARCH else profile_matches
        found = matcher(alert, new)
        reported = set(alert.reported.values_list("kind", "object_id"))
        keys = [
            (kind, pk)
            for kind in services.KINDS
            for pk in found.get(kind, ())
            if (kind, pk) not in reported
        ]
        if keys:
            sections.append(Section(alert, [], items=keys))  # type: ignore[arg-type]
    return sections


def _message(user, sections: list[Section], language: str) -> EmailMultiAlternatives:
    with translation.override(language):
        wanted: dict[str, set[int]] = defaultdict(set)
        for section in sections:
            section.description = describe(section.alert)
            for kind, pk in section.items:
                wanted[kind].add(pk)
        titles = _titles(wanted)
        for section in sections:
            listed = [(kind, pk) for kind, pk in section.items if (kind, pk) in titles]
            section.more = max(0, len(listed) - MAX_ITEMS_PER_ALERT)
            section.items = [
                (kind, pk, titles[kind, pk][0], site_link(titles[kind, pk][1]))
                for kind, pk in listed[:MAX_ITEMS_PER_ALERT]
            ]
            section.unsubscribe_url = site_link(
                reverse("alerts:unsubscribe", args=[services.unsubscribe_token(section.alert)])
            )
        stop_all = site_link(
            reverse("alerts:unsubscribe", args=[services.unsubscribe_token(user=user)])
        )
        context = {
            "user": user,
            "sections": sections,
            "count": sum(len(section.items) + section.more for section in sections),
            "alerts_url": site_link(reverse("alerts:alert-list")),
            "stop_all_url": stop_all,
        }
        subject = render_to_string("alerts/email/digest_subject.txt", context).strip()
        body = render_to_string("alerts/email/digest.txt", context)
    return EmailMultiAlternatives(
        subject,
        body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{stop_all}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": language,
        },
    )


def send(messages: list[EmailMultiAlternatives]) -> None:
    """Digests leave through the site's one way for e-mail (core.mail): queued in the
    caller's transaction, so a digest is sent if and only if its record is written."""
    send_mails_later(messages)


def send_alert_digests(*, now: datetime.datetime | None = None) -> int:
    """Send every user whose alerts are due their digest of this period; returns how many
    e-mails were sent."""
    until = now or timezone.now()
    today = timezone.localdate(until)
    due = list(due_alerts(today).select_related("user").order_by("user_id", "pk"))
    if not due:
        return 0
    since = min(alert.checked_until or alert.created_at for alert in due)
    items = new_items(since, until)
    by_user: dict[int, list[Alert]] = defaultdict(list)
    for alert in due:
        by_user[alert.user_id].append(alert)
    sent = 0
    for alerts in by_user.values():
        user = alerts[0].user
        try:
            with transaction.atomic():
                sent += _send_one(user, alerts, today, until, items)
        except IntegrityError:
            # another run made this user's digest of the period meanwhile
            logger.info("digest of %s for %s exists", user.pk, today)
    return sent


def _send_one(user, alerts: list[Alert], today, until, items) -> int:
    locked = list(
        due_alerts(today).select_for_update().filter(pk__in=[a.pk for a in alerts]).order_by("pk")
    )
    if not locked or Digest.objects.filter(user=user, period=today).exists():
        return 0  # done meanwhile, or the period's one e-mail is out: they wait a period
    sections = digest_for(user, locked, until, items) if user.email else []
    if sections:
        message = _message(user, sections, _language(locked))
        digest = Digest.objects.create(
            user=user, period=today, items=sum(len(s.items) + s.more for s in sections)
        )
        ReportedItem.objects.bulk_create(
            [
                ReportedItem(alert=section.alert, digest=digest, kind=kind, object_id=pk)
                for section in sections
                for kind, pk, _title, _url in section.items
            ]
        )
        send([message])
    Alert.objects.filter(pk__in=[a.pk for a in locked]).update(
        checked_until=until, last_digest_on=today
    )
    return 1 if sections else 0
