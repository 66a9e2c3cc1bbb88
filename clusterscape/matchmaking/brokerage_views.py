"""Pages of brokerage events: the event's brokerage page (participants, match scores,
meeting requests), registration, the participant's requests and agenda (page and
iCalendar), and the organiser's dashboard with the scheduler's preview."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from clusterscape.accounts.permissions import can_act_for_organisation, require
from clusterscape.content import calendars
from clusterscape.content.queries import public_events
from clusterscape.core.pagination import query_without

from . import brokerage_services as services
from .brokerage_forms import MeetingRequestForm, ParticipantFiltersForm, RegistrationForm
from .brokerage_models import (
    BrokerageEvent,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    Participant,
)
from .brokerage_queries import (
    best_first,
    in_full,
    indicators,
    listed,
    participant_for,
    participants_of,
    scored,
    suggested_meetings,
)
from .brokerage_scheduler import run_scheduler

# participants on one page of the event's list (a big event has a thousand)
PARTICIPANTS_PER_PAGE = 25


def brokerage_of(slug: str) -> BrokerageEvent:
    event = get_object_or_404(public_events(), slug=slug)
    try:
        return BrokerageEvent.objects.select_related("event", "organiser").get(event=event)
    except BrokerageEvent.DoesNotExist:
        raise Http404 from None


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def brokerage_detail(request: HttpRequest, slug: str) -> HttpResponse:
    brokerage = brokerage_of(slug)
    me = participant_for(brokerage, request.user)
    form = ParticipantFiltersForm(request.GET or None, brokerage=brokerage)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {
            "country": form.cleaned_data["country"].code if form.cleaned_data["country"] else "",
            "field": form.cleaned_data["field"].slug if form.cleaned_data["field"] else "",
            "kind": form.cleaned_data["kind"],
            "cooperation": form.cleaned_data["cooperation"],
        }
    entries = listed(participants_of(brokerage, **filters))
    suggestions = []
    if me:
        scores = scored(me, entries)
        entries = best_first(entries, scores)
        # suggestions come from every participant, whatever the list's filters
        if any(filters.values()):
            everyone = listed(participants_of(brokerage))
            suggestions = suggested_meetings(me, scored(me, everyone), everyone)
        else:
            suggestions = suggested_meetings(me, scores, entries)
    page = Paginator(entries, PARTICIPANTS_PER_PAGE).get_page(request.GET.get("page"))
    shown = in_full(page.object_list)
    prefetch_related_objects(shown, "partner_requests")
    matches = scores.recommendations(shown) if me else {}
    requested = (
        set(
            MeetingRequest.objects.filter(sender=me, recipient__in=shown)
            .exclude(status__in=services.CLOSED_BY_A_SIDE)
            .values_list("recipient_id", flat=True)
        )
        if me
        else set()
    )
    rows = [
        {"participant": p, "match": matches.get(p.organisation_id), "requested": p.pk in requested}
        for p in shown
    ]
    return render(
        request,
        "matchmaking/brokerage/detail.html",
        {
            "brokerage": brokerage,
            "event": brokerage.event,
            "me": me,
            "rows": rows,
            "page": page,
            "query": query_without(request, "page"),
            "suggestions": suggestions,
            "form": form,
            "registration_open": services.registration_is_open(brokerage),
            "can_organise": services.can_organise(request.user, brokerage),
            "figures": indicators(brokerage),
        },
    )


@login_required
def brokerage_register(request: HttpRequest, slug: str) -> HttpResponse:
    brokerage = brokerage_of(slug)
    form = RegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["organisation"]:
                services.register_participant(
                    brokerage,
                    by=request.user,
                    organisation=data["organisation"],
                    partner_requests=data["partner_requests"],
                )
            else:
                services.register_new_partner(
                    brokerage,
                    by=request.user,
                    name=data["new_name"],
                    country=data["new_country"].code,
                    kind=data["new_kind"],
                    website=data["new_website"],
                )
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                if name in ("name", "country", "kind", "website"):
                    name = f"new_{name}"
                form.add_error(name if name in form.fields else None, texts)
        else:
            if data["organisation"]:
                messages.success(request, _("You are registered."))
            else:
                messages.success(
                    request,
                    _(
                        "You are registered. Your organisation is shown to the other "
                        "participants once the editors have published its profile."
                    ),
                )
            return redirect("brokerage:detail", slug=slug)
    return render(
        request,
        "matchmaking/brokerage/register.html",
        {"brokerage": brokerage, "event": brokerage.event, "form": form},
    )


@login_required
@require_POST
def brokerage_request(request: HttpRequest, slug: str) -> HttpResponse:
    brokerage = brokerage_of(slug)
    me = participant_for(brokerage, request.user)
    if me is None:
        raise Http404
    form = MeetingRequestForm(request.POST)
    if form.is_valid():
        recipient = get_object_or_404(
            Participant, pk=form.cleaned_data["recipient"], brokerage=brokerage
        )
        try:
            services.request_meeting(
                me, recipient, by=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Your meeting request has been sent."))
    else:
        messages.error(request, _("The message is too long."))
    return redirect("brokerage:detail", slug=slug)


@login_required
def brokerage_agenda(request: HttpRequest, slug: str) -> HttpResponse:
    brokerage = brokerage_of(slug)
    me = participant_for(brokerage, request.user)
    if me is None:
        raise Http404
    received = me.received_requests.select_related("sender__organisation").order_by("pk")
    sent = me.sent_requests.select_related("recipient__organisation").order_by("pk")
    meetings = _meetings_of(me)
    outcomes = dict(MeetingOutcome.objects.filter(participant=me).values_list("meeting_id", "kind"))
    started = timezone.now()
    free = services.free_slots  # proposals are offered per request below
    proposals = {
        r.pk: [slot for slot, _table in free(r.sender, r.recipient)][:8]
        for r in received
        if r.status == MeetingRequest.Status.REQUESTED
    }
    return render(
        request,
        "matchmaking/brokerage/agenda.html",
        {
            "brokerage": brokerage,
            "event": brokerage.event,
            "me": me,
            "received": [(r, proposals.get(r.pk, [])) for r in received],
            "sent": sent,
            "meetings": [(m, outcomes.get(m.pk, ""), m.slot_start <= started) for m in meetings],
            "outcome_kinds": MeetingOutcome.Kind.choices,
        },
    )


@login_required
@require_POST
def brokerage_outcome(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    brokerage = brokerage_of(slug)
    me = participant_for(brokerage, request.user)
    if me is None:
        raise Http404
    meeting = get_object_or_404(Meeting, pk=pk, brokerage=brokerage)
    try:
        services.record_outcome(
            meeting,
            me,
            by=request.user,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", "")[:2000],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The outcome is recorded."))
    return redirect("brokerage:agenda", slug=slug)


def _meetings_of(me: Participant) -> list[Meeting]:
    return list(
        Meeting.objects.filter(seats__participant=me)
        .select_related("request__sender__organisation", "request__recipient__organisation")
        .order_by("slot_start")
    )


@login_required
def brokerage_agenda_ics(request: HttpRequest, slug: str) -> HttpResponse:
    brokerage = brokerage_of(slug)
    me = participant_for(brokerage, request.user)
    if me is None:
        raise Http404
    host = request.get_host().split(":")[0]
    cal = Calendar()
    cal.add("prodid", "-//clusterscape//brokerage agenda//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", brokerage.event.title)
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    meetings = _meetings_of(me)
    for meeting in meetings:
        other = (
            meeting.request.recipient
            if meeting.request.sender_id == me.pk
            else meeting.request.sender
        )
        entry = CalendarEvent()
        entry.add("uid", f"brokerage-meeting-{meeting.pk}@{host}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", meeting.slot_start.astimezone(brokerage.zone))
        entry.add("dtend", meeting.slot_end.astimezone(brokerage.zone))
        entry.add(
            "summary",
            _("Meeting with %(name)s") % {"name": other.organisation.name},
        )
        entry.add("location", _("Table %(table)d") % {"table": meeting.table})
        cal.add_component(entry)
    if meetings:
        first = meetings[0].slot_start.date()
        cal.add_missing_timezones(
            first_date=first.replace(month=1, day=1),
            last_date=first.replace(year=first.year + 1, month=1, day=1),
        )
    return calendars.ics_response(cal, f"{brokerage.event.slug}-agenda.ics")


@login_required
@require_POST
def brokerage_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    brokerage = brokerage_of(slug)
    meeting_request = get_object_or_404(
        MeetingRequest.objects.select_related("sender__organisation", "recipient__organisation"),
        pk=pk,
        brokerage=brokerage,
    )
    # only the two sides answer (the services check which side may give which answer)
    require(
        can_act_for_organisation(request.user, meeting_request.recipient.organisation)
        or can_act_for_organisation(request.user, meeting_request.sender.organisation)
    )
    answer = request.POST.get("answer", "")
    try:
        if answer == "accept":
            services.accept_meeting_request(meeting_request, by=request.user)
            messages.success(request, _("The meeting is booked."))
        elif answer == "decline":
            services.decline_meeting_request(meeting_request, by=request.user)
            messages.success(request, _("The request is declined."))
        elif answer == "propose":
            try:
                slot_start = datetime.datetime.fromisoformat(request.POST.get("slot", ""))
            except ValueError:
                raise ValidationError({"slot": [_("Choose a time.")]}) from None
            services.propose_other_slot(meeting_request, by=request.user, slot_start=slot_start)
            messages.success(request, _("Your proposal has been sent."))
        else:
            raise ValidationError({"answer": [_("Choose an answer.")]})
    except ValidationError as error:
        _errors(request, error)
    return redirect("brokerage:agenda", slug=slug)


@login_required
@require_POST
def brokerage_withdraw_request(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    brokerage = brokerage_of(slug)
    meeting_request = get_object_or_404(
        MeetingRequest.objects.select_related("sender__organisation", "recipient__organisation"),
        pk=pk,
        brokerage=brokerage,
    )
    try:
        services.withdraw_meeting_request(meeting_request, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("brokerage:agenda", slug=slug)


@login_required
@require_POST
def brokerage_cancel_meeting(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    brokerage = brokerage_of(slug)
    meeting = get_object_or_404(
        Meeting.objects.select_related(
            "request__sender__organisation", "request__recipient__organisation"
        ),
        pk=pk,
        brokerage=brokerage,
    )
    try:
        services.cancel_meeting(meeting, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The meeting is cancelled; both sides are told."))
    return redirect("brokerage:agenda", slug=slug)


@login_required
def brokerage_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    """Withdraw the registration, after a page that says what it cancels."""
    brokerage = brokerage_of(slug)
    me = participant_for(brokerage, request.user)
    if me is None:
        raise Http404
    if request.method == "POST":
        try:
            services.withdraw_registration(me, by=request.user)
        except ValidationError as error:
            _errors(request, error)
            return redirect("brokerage:agenda", slug=slug)
        messages.success(request, _("Your registration is withdrawn."))
        return redirect("brokerage:detail", slug=slug)
    return render(
        request,
        "matchmaking/brokerage/withdraw.html",
        {
            "brokerage": brokerage,
            "event": brokerage.event,
            "me": me,
            "meetings": len(_meetings_of(me)),
            "requests": MeetingRequest.objects.filter(
                Q(sender=me) | Q(recipient=me), status__in=services.OPEN_STATUSES
            ).count(),
        },
    )


@login_required
def brokerage_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    brokerage = brokerage_of(slug)
    require(services.can_organise(request.user, brokerage))
    if request.method == "POST":
        plan = run_scheduler(brokerage, by=request.user, dry_run=False)
        messages.success(
            request, _("The scheduler booked %(count)d meetings.") % {"count": len(plan)}
        )
        return redirect(reverse("brokerage:dashboard", kwargs={"slug": slug}))
    preview = run_scheduler(brokerage, by=request.user) if request.GET.get("preview") else None
    return render(
        request,
        "matchmaking/brokerage/dashboard.html",
        {
            "brokerage": brokerage,
            "event": brokerage.event,
            "figures": indicators(brokerage),
            "preview": preview,
        },
    )
