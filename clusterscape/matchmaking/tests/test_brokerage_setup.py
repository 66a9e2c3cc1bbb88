"""The organiser sets up the brokerage part of an event: by the page, the admin and the
services they share; changes never leave a booked meeting outside the day's slots."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from clusterscape.accounts.models import Membership, User
from clusterscape.accounts.tests.factories import MembershipFactory, UserFactory, sign_in_staff
from clusterscape.content.tests.factories import EventFactory
from clusterscape.matchmaking import brokerage_services as services
from clusterscape.matchmaking.brokerage_models import Availability, BrokerageEvent, MeetingDay

from .brokerage_factories import DAY, brokerage_event, meeting_request, participant

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def organiser_of(brokerage):
    return MembershipFactory(organisation=brokerage.organiser).user


def day_values(**changes):
    values = {
        "date": DAY,
        "starts": datetime.time(9),
        "ends": datetime.time(11),
        "slot_minutes": 30,
        "breaks": [],
        "tables": 2,
    }
    return values | changes


def url(name, event, *args):
    return reverse(f"brokerage:{name}", args=[event.slug, *args])


# --- services ----------------------------------------------------------------------------


def test_add_meeting_day_refuses_zero_tables_overlapping_breaks_and_a_taken_date():
    brokerage = brokerage_event()
    with pytest.raises(ValidationError) as error:
        services.add_meeting_day(
            brokerage,
            by=organiser_of(brokerage),
            **day_values(tables=0, breaks=[("09:30", "10:00"), ("09:45", "10:15")]),
        )
    assert error.value.message_dict == {
        "date": ["There is a meeting day on this date already."],
        "tables": ["Give at least one table or online room."],
        "breaks": ["Breaks must not overlap."],
    }
    assert MeetingDay.objects.count() == 1


def test_add_meeting_day_refuses_a_day_before_registration_closes_and_without_slots():
    brokerage = brokerage_event(days=2)
    brokerage.days.last().delete()
    brokerage.registration_closes = datetime.datetime(2030, 3, 13, 12, tzinfo=datetime.UTC)
    brokerage.save()
    with pytest.raises(ValidationError) as error:
        services.add_meeting_day(
            brokerage,
            by=organiser_of(brokerage),
            **day_values(date=DAY + datetime.timedelta(days=1), slot_minutes=300),
        )
    assert error.value.message_dict == {
        "date": ["The meetings must begin after registration closes."],
    }
    brokerage.registration_closes = datetime.datetime(2030, 3, 1, tzinfo=datetime.UTC)
    brokerage.save()
    with pytest.raises(ValidationError) as error:
        services.add_meeting_day(
            brokerage,
            by=organiser_of(brokerage),
            **day_values(date=DAY + datetime.timedelta(days=1), slot_minutes=300),
        )
    assert error.value.message_dict == {
        "slot_minutes": ["No meeting fits into this day; make the meetings shorter."]
    }


def test_added_day_makes_registered_participants_available_all_day():
    brokerage = brokerage_event(days=2)
    brokerage.days.last().delete()
    registered = participant(brokerage)
    day = services.add_meeting_day(
        brokerage,
        by=organiser_of(brokerage),
        **day_values(date=DAY + datetime.timedelta(days=1), breaks=[("10:00", "10:30")]),
    )
    assert list(
        Availability.objects.filter(day=day).values_list("participant", "starts", "ends")
    ) == [(registered.pk, datetime.time(9), datetime.time(11))]
    assert day.slot_times() == [
        (datetime.time(9), datetime.time(9, 30)),
        (datetime.time(9, 30), datetime.time(10)),
        (datetime.time(10, 30), datetime.time(11)),
    ]


def test_change_that_would_orphan_a_booked_meeting_is_refused_and_changes_nothing():
    brokerage = brokerage_event(tables=2, slots=4)
    a, b = participant(brokerage), participant(brokerage)
    services.accept_meeting_request(meeting_request(a, b), by=b.user)  # 09:00, table 1
    day = brokerage.days.get()
    for change in (
        {"slot_minutes": 45},
        {"starts": datetime.time(9, 15), "ends": datetime.time(11, 15)},
        {"breaks": [("09:00", "09:30")]},
    ):
        with pytest.raises(ValidationError) as error:
            services.update_meeting_day(day, by=organiser_of(brokerage), **day_values(**change))
        assert error.value.messages == [
            "1 booked meeting would no longer fit these times or tables; its participants "
            "must cancel it first."
        ]
    day.refresh_from_db()
    assert (day.starts, day.ends, day.slot_minutes, day.breaks) == (
        datetime.time(9),
        datetime.time(11),
        30,
        [],
    )
    with pytest.raises(ValidationError):
        services.remove_meeting_day(day, by=organiser_of(brokerage))
    assert MeetingDay.objects.count() == 1


def test_change_that_keeps_booked_meetings_is_saved_and_availability_follows():
    brokerage = brokerage_event(tables=2, slots=4)
    a, b = participant(brokerage), participant(brokerage)
    meeting = services.accept_meeting_request(meeting_request(a, b), by=b.user)
    services.set_availability(
        b, by=b.user, day=brokerage.days.get(), starts=datetime.time(9), ends=datetime.time(10)
    )
    day = services.update_meeting_day(
        brokerage.days.get(),
        by=organiser_of(brokerage),
        **day_values(ends=datetime.time(12), tables=1, breaks=[("10:00", "10:30")]),
    )
    assert (day.ends, day.tables, day.breaks) == (datetime.time(12), 1, [["10:00", "10:30"]])
    assert dict(Availability.objects.values_list("participant", "ends")) == {
        a.pk: datetime.time(12),  # was available all day, still is
        b.pk: datetime.time(10),  # had narrowed it, keeps it
    }
    assert meeting.slot_start == day.at(datetime.time(9), brokerage.zone)


def test_update_brokerage_keeps_the_window_before_the_first_meeting_day():
    brokerage = brokerage_event()
    opens = brokerage.registration_opens
    with pytest.raises(ValidationError) as error:
        services.update_brokerage(
            brokerage,
            by=organiser_of(brokerage),
            registration_opens=opens,
            registration_closes=datetime.datetime(2030, 3, 12, 10, tzinfo=brokerage.zone),
            time_zone="Mars/Olympus",
            languages=["de", ""],
        )
    assert error.value.message_dict == {
        "time_zone": ["“Mars/Olympus” is not a known time zone (such as Europe/Berlin)."]
    }
    with pytest.raises(ValidationError) as error:
        services.update_brokerage(
            brokerage,
            by=organiser_of(brokerage),
            registration_opens=opens,
            registration_closes=datetime.datetime(2030, 3, 12, 10, tzinfo=brokerage.zone),
            time_zone="Europe/Berlin",
            languages=["de"],
        )
    assert error.value.message_dict == {
        "registration_closes": [
            "Registration must close before the first meeting day begins (03/12/2030 9 a.m.)."
        ]
    }
    changed = services.update_brokerage(
        brokerage,
        by=organiser_of(brokerage),
        registration_opens=opens,
        registration_closes=datetime.datetime(2030, 3, 11, 18, tzinfo=brokerage.zone),
        time_zone="Europe/Berlin",
        languages=["de", "fr"],
        fee_note=" 50 EUR ",
    )
    brokerage.refresh_from_db()
    assert (brokerage.languages, brokerage.fee_note, changed.registration_closes) == (
        "de,fr",
        "50 EUR",
        datetime.datetime(2030, 3, 11, 17, tzinfo=datetime.UTC),
    )


def test_time_zone_cannot_change_once_meetings_are_booked():
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    services.accept_meeting_request(meeting_request(a, b), by=b.user)
    with pytest.raises(ValidationError) as error:
        services.update_brokerage(
            brokerage,
            by=organiser_of(brokerage),
            registration_opens=brokerage.registration_opens,
            registration_closes=brokerage.registration_closes,
            time_zone="Europe/Lisbon",
            languages=["en"],
        )
    assert error.value.message_dict == {
        "time_zone": ["Meetings are booked in this time zone; it cannot change any more."]
    }


def test_setup_services_refuse_a_plain_member_of_the_organiser():
    brokerage = brokerage_event()
    member = MembershipFactory(organisation=brokerage.organiser, role=Membership.Role.MEMBER).user
    with pytest.raises(PermissionDenied):
        services.add_meeting_day(brokerage, by=member, **day_values())
    with pytest.raises(PermissionDenied):
        services.update_meeting_day(brokerage.days.get(), by=member, **day_values())
    with pytest.raises(PermissionDenied):
        services.remove_meeting_day(brokerage.days.get(), by=member)


# --- pages -------------------------------------------------------------------------------


def test_organiser_adds_the_brokerage_part_by_the_page_in_the_events_zone(client):
    event = EventFactory(
        starts_at=datetime.datetime(2030, 6, 3, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2030, 6, 4, 16, tzinfo=datetime.UTC),
        time_zone="America/New_York",
    )
    client.force_login(MembershipFactory(organisation=event.organisation).user)
    assert client.get(url("setup", event)).status_code == 200
    response = client.post(
        url("setup", event),
        {
            "registration_opens": "2030-05-01T09:00",
            "registration_closes": "2030-06-01T18:00",
            "time_zone": "America/New_York",
            "languages": "en, fr",
            "fee_note": "",
        },
    )
    assert response.status_code == 302
    brokerage = BrokerageEvent.objects.get()
    assert (brokerage.organiser, brokerage.languages, brokerage.registration_closes) == (
        event.organisation,
        "en,fr",
        datetime.datetime(2030, 6, 1, 22, tzinfo=datetime.UTC),
    )

    response = client.post(
        url("day-add", event),
        {
            "day-date": "2030-06-03",
            "day-starts": "09:00",
            "day-ends": "12:00",
            "day-slot_minutes": "20",
            "day-breaks": "10:00-10:20",
            "day-tables": "0",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "tables": ["Give at least one table or online room."]
    }
    assert 'aria-invalid="true"' in response.content.decode()
    client.post(
        url("day-add", event),
        {
            "day-date": "2030-06-03",
            "day-starts": "09:00",
            "day-ends": "12:00",
            "day-slot_minutes": "20",
            "day-breaks": "10:00-10:20",
            "day-tables": "8",
        },
    )
    day = MeetingDay.objects.get()
    assert (day.tables, day.breaks, len(day.slot_times())) == (8, [["10:00", "10:20"]], 8)
    page = client.get(url("setup", event)).content.decode()
    assert 'Change<span class="visually-hidden">' in page


def test_organiser_changes_a_day_and_sees_why_it_is_refused(client):
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    services.accept_meeting_request(meeting_request(a, b), by=b.user)
    day = brokerage.days.get()
    client.force_login(organiser_of(brokerage))
    response = client.post(
        url("day-edit", brokerage.event, day.pk),
        {
            "date": "2030-03-12",
            "starts": "09:00",
            "ends": "11:00",
            "slot_minutes": "25",
            "breaks": "",
            "tables": "2",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "1 booked meeting would no longer fit these times or tables; its participants must "
        "cancel it first."
    ]
    response = client.post(
        url("day-edit", brokerage.event, day.pk),
        {
            "date": "2030-03-12",
            "starts": "09:00",
            "ends": "12:00",
            "slot_minutes": "30",
            "breaks": "lunch",
            "tables": "2",
        },
    )
    assert response.context["form"].errors == {
        "breaks": ["Write each break as from–until, such as 12:00-13:00."]
    }
    client.post(url("day-delete", brokerage.event, day.pk))
    assert MeetingDay.objects.count() == 1


def test_setup_pages_are_forbidden_to_members_and_open_to_editors(client):
    brokerage = brokerage_event()
    event, day = brokerage.event, brokerage.days.get()
    member = MembershipFactory(organisation=brokerage.organiser, role=Membership.Role.MEMBER).user
    client.force_login(member)
    assert client.get(url("setup", event)).status_code == 403
    assert client.post(url("setup", event), {"time_zone": "UTC"}).status_code == 403
    assert client.post(url("day-add", event), {}).status_code == 403
    assert client.get(url("day-edit", event, day.pk)).status_code == 403
    assert client.post(url("day-delete", event, day.pk)).status_code == 403
    assert MeetingDay.objects.count() == 1
    client.logout()
    assert client.get(url("setup", event)).status_code == 302
    client.force_login(UserFactory(platform_role=User.PlatformRole.EDITOR))
    assert client.get(url("setup", event)).status_code == 200
    client.post(url("day-delete", event, day.pk))
    assert MeetingDay.objects.count() == 0


def test_dashboard_leads_to_the_setup(client):
    brokerage = brokerage_event()
    client.force_login(organiser_of(brokerage))
    page = client.get(url("dashboard", brokerage.event)).content.decode()
    assert f'<a href="{url("setup", brokerage.event)}">' in page


# --- admin -------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    sign_in_staff(client, UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def test_admin_adds_a_day_through_the_service_and_shows_its_errors(admin_client):
    brokerage = brokerage_event()
    values = {
        "brokerage": brokerage.pk,
        "date": "2030-03-12",
        "starts": "13:00",
        "ends": "15:00",
        "slot_minutes": "30",
        "breaks_text": "",
        "tables": "3",
    }
    response = admin_client.post("/en/admin/matchmaking/meetingday/add/", values)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "date": ["There is a meeting day on this date already."]
    }
    brokerage.days.all().delete()
    participant(brokerage)
    response = admin_client.post("/en/admin/matchmaking/meetingday/add/", values)
    assert response.status_code == 302
    day = MeetingDay.objects.get()
    assert (day.starts, day.tables) == (datetime.time(13), 3)
    assert Availability.objects.get().ends == datetime.time(15)


def test_admin_changes_the_window_through_the_service(admin_client):
    brokerage = brokerage_event()
    response = admin_client.post(
        f"/en/admin/matchmaking/brokerageevent/{brokerage.pk}/change/",
        {
            "registration_opens": "2030-01-01T09:00",
            "registration_closes": "2030-03-12T12:00",
            "time_zone": "Europe/Berlin",
            "languages": "en",
            "fee_note": "",
            "days-TOTAL_FORMS": "1",
            "days-INITIAL_FORMS": "1",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "0",
            "days-0-id": brokerage.days.get().pk,
            "days-0-brokerage": brokerage.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "registration_closes": [
            "Registration must close before the first meeting day begins (03/12/2030 9 a.m.)."
        ]
    }


def test_event_page_cached_for_visitors_links_to_the_new_meetings(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    manager = MembershipFactory(organisation=event.organisation).user
    link = f'<a href="{url("detail", event)}">'
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=600):
        assert link not in client.get(event.get_absolute_url()).content.decode()  # cached
        with django_capture_on_commit_callbacks(execute=True):
            services.set_up_brokerage(
                event,
                by=manager,
                organiser=event.organisation,
                registration_opens=event.starts_at - datetime.timedelta(days=9),
                registration_closes=event.starts_at - datetime.timedelta(days=1),
            )
        assert link in client.get(event.get_absolute_url()).content.decode()


def test_admin_adds_the_brokerage_part_in_its_time_zone(admin_client):
    event = EventFactory(
        starts_at=datetime.datetime(2030, 6, 3, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2030, 6, 4, 16, tzinfo=datetime.UTC),
    )
    values = {
        "event": event.pk,
        "organiser": event.organisation.pk,
        "registration_opens": "2030-05-01T09:00",
        "registration_closes": "2030-06-01T18:00",
        "time_zone": "Asia/Tokyo",
        "languages": "en, xx",
        "fee_note": "",
        "days-TOTAL_FORMS": "0",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "0",
    }
    response = admin_client.post("/en/admin/matchmaking/brokerageevent/add/", values)
    assert response.context["adminform"].form.errors == {"languages": ["Unknown language: xx."]}
    assert BrokerageEvent.objects.count() == 0
    response = admin_client.post(
        "/en/admin/matchmaking/brokerageevent/add/", values | {"languages": "en, ja"}
    )
    assert response.status_code == 302
    brokerage = BrokerageEvent.objects.get()
    assert (brokerage.languages, brokerage.registration_closes) == (
        "en,ja",
        datetime.datetime(2030, 6, 1, 9, tzinfo=datetime.UTC),
    )


def test_your_content_leads_from_an_event_to_its_meetings_setup(client):
    event = EventFactory(title="Partnering Day")
    client.force_login(MembershipFactory(organisation=event.organisation).user)
    page = client.get(reverse("content:dashboard")).content.decode()
    assert (
        f'<a href="{url("setup", event)}">1:1 partner meetings'
        '<span class="visually-hidden">: Partnering Day</span></a>'
    ) in page


def test_plain_members_see_no_link_to_a_setup_they_may_not_open(client):
    event = EventFactory(title="Partnering Day")
    client.force_login(MembershipFactory(organisation=event.organisation, role="member").user)

    page = client.get(reverse("content:dashboard")).content.decode()

    assert "Partnering Day" in page
    assert url("setup", event) not in page
