"""The automatic scheduler of a brokerage event: it fills free slots with meetings of
mutual interest (both sides asked each other), best matches first by the matchmaking score
(the mean of both sides' scores), each at the first slot free for both within both
availabilities and the lowest free table.

`plan_schedule` only reads and returns what would be booked (the organiser's preview);
`run_scheduler` plans again under row locks on all of the event's participants (so no
acceptance interleaves) and writes the plan in one transaction. The database's unique
constraints still stand behind it: a double booking makes the whole run roll back.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from clusterscape.accounts.permissions import AnyUser, require

from .brokerage_models import (
    Availability,
    BrokerageEvent,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Participant,
)
from .brokerage_services import Slot, _link, _notify_all, _when, can_organise, now, slots_of
from .models import MatchProfile
from .profiles import Profile
from .queries import idf_for
from .scoring import score


@dataclass
class Planned:
    """A meeting the scheduler would book."""

    request: MeetingRequest
    reverse: MeetingRequest | None  # the other side's request to the same pair
    slot: Slot
    table: int
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def pair_scores(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """The matchmaking score of each pair of organisations (mean of both directions; 0
    where an organisation is not in the match index)."""
    ids = {pk for pair in pairs for pk in pair}
    profiles = {
        pk: Profile.from_json(pk, data, words)
        for pk, data, words in MatchProfile.objects.filter(pk__in=ids).values_list(
            "pk", "data", "words"
        )
    }
    terms = sorted({term for profile in profiles.values() for term in profile.terms})
    idf, _df, _total = idf_for(terms)
    scores = {}
    for a, b in pairs:
        if a in profiles and b in profiles:
            forward = score(profiles[a], profiles[b], idf).score
            backward = score(profiles[b], profiles[a], idf).score
            scores[(a, b)] = (forward + backward) / 2
        else:
            scores[(a, b)] = 0.0
    return scores


def plan_schedule(brokerage: BrokerageEvent, *, mutual_only: bool = True) -> list[Planned]:
    """What the scheduler would book now, in booking order (nothing is written)."""
    zone = brokerage.zone
    slots = slots_of(brokerage)
    requests = list(
        MeetingRequest.objects.filter(brokerage=brokerage, status=MeetingRequest.Status.REQUESTED)
        .select_related(
            "sender__organisation", "sender__user", "recipient__organisation", "recipient__user"
        )
        .order_by("pk")
    )
    by_direction = {(r.sender_id, r.recipient_id): r for r in requests}
    met = set()
    for sender, recipient in Meeting.objects.filter(brokerage=brokerage).values_list(
        "request__sender_id", "request__recipient_id"
    ):
        met.add(frozenset((sender, recipient)))
    candidates: dict[frozenset, tuple[MeetingRequest, MeetingRequest | None]] = {}
    for request in requests:
        key = frozenset((request.sender_id, request.recipient_id))
        if key in met or key in candidates:
            continue
        reverse = by_direction.get((request.recipient_id, request.sender_id))
        if reverse is None and mutual_only:
            continue
        candidates[key] = (request, reverse)
    organisation_pairs = [
        (request.sender.organisation_id, request.recipient.organisation_id)
        for request, _reverse in candidates.values()
    ]
    scores = pair_scores(organisation_pairs)

    def rank(item):
        request, reverse = item
        pair_score = scores[(request.sender.organisation_id, request.recipient.organisation_id)]
        return (reverse is None, -pair_score, request.pk)

    busy: dict[int, set[datetime.datetime]] = defaultdict(set)
    for participant_id, start in MeetingSeat.objects.filter(
        participant__brokerage=brokerage
    ).values_list("participant_id", "slot_start"):
        busy[participant_id].add(start)
    used: dict[datetime.datetime, set[int]] = defaultdict(set)
    for start, table in Meeting.objects.filter(brokerage=brokerage).values_list(
        "slot_start", "table"
    ):
        used[start].add(table)
    windows: dict[int, dict[int, tuple[datetime.time, datetime.time]]] = defaultdict(dict)
    for participant_id, day_id, starts, ends in Availability.objects.filter(
        participant__brokerage=brokerage
    ).values_list("participant_id", "day_id", "starts", "ends"):
        windows[participant_id][day_id] = (starts, ends)
    local = {
        slot.start: (slot.start.astimezone(zone).time(), slot.end.astimezone(zone).time())
        for slot in slots
    }

    plan = []
    for request, reverse in sorted(candidates.values(), key=rank):
        a, b = request.sender_id, request.recipient_id
        for slot in slots:
            if slot.start in busy[a] or slot.start in busy[b]:
                continue
            start, end = local[slot.start]
            window_a, window_b = windows[a].get(slot.day.pk), windows[b].get(slot.day.pk)
            if not (
                window_a
                and window_b
                and window_a[0] <= start
                and end <= window_a[1]
                and window_b[0] <= start
                and end <= window_b[1]
            ):
                continue
            taken = used[slot.start]
            table = next((t for t in range(1, slot.day.tables + 1) if t not in taken), None)
            if table is None:
                continue
            busy[a].add(slot.start)
            busy[b].add(slot.start)
            taken.add(table)
            pair_score = scores[(request.sender.organisation_id, request.recipient.organisation_id)]
            plan.append(Planned(request, reverse, slot, table, pair_score))
            break
    return plan


def run_scheduler(
    brokerage: BrokerageEvent, *, by: AnyUser, dry_run: bool = True, mutual_only: bool = True
) -> list[Planned]:
    """Plan, and unless `dry_run` book the plan in one transaction; returns the plan."""
    require(can_organise(by, brokerage))
    if dry_run:
        return plan_schedule(brokerage, mutual_only=mutual_only)
    with transaction.atomic():
        list(
            Participant.objects.select_for_update()
            .filter(brokerage=brokerage)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        plan = plan_schedule(brokerage, mutual_only=mutual_only)
        meetings = Meeting.objects.bulk_create(
            Meeting(
                brokerage=brokerage,
                request=item.request,
                day=item.slot.day,
                slot_start=item.slot.start,
                slot_end=item.slot.end,
                table=item.table,
            )
            for item in plan
        )
        MeetingSeat.objects.bulk_create(
            MeetingSeat(
                meeting=meeting, participant_id=participant_id, slot_start=meeting.slot_start
            )
            for meeting, item in zip(meetings, plan, strict=True)
            for participant_id in (item.request.sender_id, item.request.recipient_id)
        )
        # The booked time is the meeting's; the requests only change status (one UPDATE,
        # not one CASE branch per request as bulk_update would write).
        accepted = [r.pk for item in plan for r in (item.request, item.reverse) if r is not None]
        for chunk in range(0, len(accepted), 500):
            MeetingRequest.objects.filter(pk__in=accepted[chunk : chunk + 500]).update(
                status=MeetingRequest.Status.ACCEPTED, answered_at=now()
            )
        link = _link(brokerage)
        _notify_all(
            [
                (
                    [item.request.sender, item.request.recipient],
                    _("Meeting booked: %(a)s and %(b)s at %(when)s, table %(table)d")
                    % {
                        "a": item.request.sender.organisation.name,
                        "b": item.request.recipient.organisation.name,
                        "when": _when(item.slot.start, brokerage),
                        "table": item.table,
                    },
                    "",
                    link,
                )
                for item in plan
            ]
        )
    return plan
