import datetime
import io
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from clusterscape.accounts.history import versions_of
from clusterscape.accounts.models import Membership, User, Version
from clusterscape.accounts.tests.factories import MembershipFactory, UserFactory
from clusterscape.content import queries, services
from clusterscape.content.models import (
    CallDeadline,
    Event,
    FundingCall,
    NewsItem,
    Project,
    ProjectPartner,
    Status,
)
from clusterscape.core.cache import public_pages_generation
from clusterscape.registry.models import Country, Field
from clusterscape.registry.tests.factories import OrganisationFactory
from clusterscape.search.models import SearchDocument
from clusterscape.search.queries import SearchParams, search
from clusterscape.search.tests.factories import index_facets

from .factories import NewsItemFactory, in_days

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Photonics Cluster Jena", slug="photonics-jena")


@pytest.fixture
def manager(organisation) -> User:
    return MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER).user


@pytest.fixture
def member(organisation) -> User:
    return MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user


@pytest.fixture
def editor() -> User:
    return UserFactory(username="editor", platform_role=User.PlatformRole.EDITOR)


def news(by, organisation, **data) -> NewsItem:
    values = {"title": "Laser week", "language": "en", "teaser": "Five days of lasers."}
    values.update(data)
    return services.create_news_item(by=by, organisation=organisation, **values)


def event_data(**data) -> dict:
    values = {
        "title": "Matchmaking in Lyon",
        "language": "en",
        "kind": Event.Kind.MATCHMAKING,
        "summary": "Meet partners.",
        "starts_at": datetime.datetime(2030, 3, 4, 9, 0),
        "ends_at": datetime.datetime(2030, 3, 4, 17, 0),
        "time_zone": "Europe/Paris",
        "city": "Lyon",
    }
    values.update(data)
    return values


def call_data(**data) -> dict:
    values = {
        "title": "Internationalisation",
        "language": "de",
        "funder": "BMBF",
        "programme_name": "Internationalisierung von Spitzenclustern",
        "summary": "Bis zu 4 Mio. EUR je Cluster.",
        "official_url": "https://www.bmbf.de/bekanntmachung",
    }
    values.update(data)
    return values


def png(size=(4, 3)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def indexed(kind: str) -> list[str]:
    return list(SearchDocument.objects.filter(kind=kind).values_list("slug", flat=True))


# Creating and sanitising


def test_create_news_item_makes_a_draft_with_slug_author_and_version(member, organisation):
    item = news(member, organisation)

    assert (item.status, item.slug, item.author, item.organisation) == (
        Status.DRAFT,
        "laser-week",
        member,
        organisation,
    )
    assert [(v.action, v.changed_by) for v in versions_of(item)] == [
        (Version.Action.CREATE, member)
    ]
    assert indexed(SearchDocument.Kind.NEWS) == []


def test_slugs_stay_unique_and_avoid_path_words(member, organisation):
    first = news(member, organisation)
    second = news(member, organisation)
    calendar = news(member, organisation, title="Calendar")

    assert (first.slug, second.slug, calendar.slug) == ("laser-week", "laser-week-2", "calendar-2")


def test_body_is_sanitised(member, organisation):
    item = news(
        member,
        organisation,
        body='<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:alert(1)">x</a>'
        '<a href="https://example.org">ok</a><img src=x onerror="alert(1)"></p>',
    )

    assert item.body == (
        '<p>Hi <a rel="noopener noreferrer">x</a>'
        '<a href="https://example.org" rel="noopener noreferrer">ok</a></p>'
    )


def test_news_item_without_language_is_rejected_and_nothing_is_saved(member, organisation):
    with pytest.raises(ValidationError) as error:
        news(member, organisation, language="")

    assert error.value.message_dict == {"language": ["Choose the language the item is written in."]}
    assert NewsItem.objects.count() == 0
    assert Version.objects.count() == 0


def test_news_item_in_an_unknown_language_is_rejected(member, organisation):
    with pytest.raises(ValidationError) as error:
        news(member, organisation, language="fr")

    assert list(error.value.message_dict) == ["language"]


def test_text_longer_than_its_limit_is_rejected_with_the_other_errors(member, organisation):
    with pytest.raises(ValidationError) as raised:
        news(member, organisation, teaser="x" * 501, title="")

    assert sorted(raised.value.message_dict) == ["teaser", "title"]
    assert not NewsItem.objects.exists()


def test_image_needs_alt_text(member, organisation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        news(member, organisation, image=png())

    assert error.value.message_dict == {
        "image_alt": ["Describe the image for people who cannot see it."]
    }
    assert NewsItem.objects.count() == 0


def test_image_with_alt_text_is_saved(member, organisation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = news(member, organisation, image=png(), image_alt="A blue square")

    item.refresh_from_db()
    assert (item.image.width, item.image.height, item.image_alt) == (4, 3, "A blue square")


def test_file_that_is_not_an_image_is_rejected(member, organisation):
    fake = SimpleUploadedFile("photo.png", b"<html>not an image</html>", content_type="image/png")

    with pytest.raises(ValidationError) as error:
        news(member, organisation, image=fake, image_alt="x")

    assert error.value.message_dict == {
        "image": ["The file is not an image we can read (JPEG, PNG, WebP or GIF)."]
    }


def test_image_of_another_type_is_rejected(member, organisation):
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="BMP")
    bitmap = SimpleUploadedFile("photo.bmp", buffer.getvalue(), content_type="image/bmp")

    with pytest.raises(ValidationError) as error:
        news(member, organisation, image=bitmap, image_alt="x")

    assert error.value.message_dict == {"image": ["Upload a JPEG, PNG, WebP or GIF image."]}


def test_too_large_image_is_rejected(member, organisation, monkeypatch):
    monkeypatch.setattr(services, "IMAGE_MAX_BYTES", 10)

    with pytest.raises(ValidationError) as error:
        news(member, organisation, image=png(), image_alt="x")

    assert error.value.message_dict == {
        "image": ["The image is larger than 5 MB. Please upload a smaller one."]
    }


# Permissions


def test_platform_news_is_written_by_editors_only(manager, editor):
    with pytest.raises(PermissionDenied):
        news(manager, None)

    assert news(editor, None).organisation is None


def test_nobody_writes_for_an_organisation_they_do_not_belong_to(organisation):
    stranger = UserFactory()

    with pytest.raises(PermissionDenied):
        news(stranger, organisation)
    with pytest.raises(PermissionDenied):
        news(None, organisation)
    assert NewsItem.objects.count() == 0


def test_member_writes_drafts_but_does_not_submit(member, organisation):
    item = news(member, organisation)

    with pytest.raises(PermissionDenied):
        services.submit_item(item, by=member)
    assert NewsItem.objects.get().status == Status.DRAFT


def test_manager_submits_but_does_not_publish(manager, organisation):
    item = services.submit_item(news(manager, organisation), by=manager)

    assert NewsItem.objects.get().status == Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.publish_item(item, by=manager)
    assert NewsItem.objects.get().status == Status.SUBMITTED


def test_member_cannot_edit_a_published_item(member, editor, organisation):
    item = services.publish_item(news(member, organisation), by=editor)

    with pytest.raises(PermissionDenied):
        services.update_news_item(item, by=member, title="Changed")
    assert NewsItem.objects.get().title == "Laser week"


# Workflow, index and cache


def test_publishing_makes_the_item_public_indexed_and_refreshes_pages(
    manager, editor, organisation, django_capture_on_commit_callbacks
):
    item = services.submit_item(news(manager, organisation), by=manager)
    generation = public_pages_generation()

    with django_capture_on_commit_callbacks(execute=True):
        services.publish_item(item, by=editor)

    assert list(queries.public_news()) == [item]
    assert indexed(SearchDocument.Kind.NEWS) == ["laser-week"]
    assert public_pages_generation() == generation + 1
    assert [hit.url for hit in search(SearchParams(q="Laser")).hits] == ["/en/news/laser-week/"]


def test_writing_a_draft_leaves_public_pages_cached(
    member, organisation, django_capture_on_commit_callbacks
):
    generation = public_pages_generation()

    with django_capture_on_commit_callbacks(execute=True):
        news(member, organisation)

    assert public_pages_generation() == generation


def test_scheduled_item_is_not_public_before_its_time(manager, editor, organisation):
    item = news(manager, organisation)
    services.publish_item(item, by=editor, publish_at=timezone.now() + datetime.timedelta(days=1))

    assert NewsItem.objects.get().status == Status.PUBLISHED
    assert list(queries.public_news()) == []
    assert indexed(SearchDocument.Kind.NEWS) == []


def test_scheduled_item_is_public_once_its_time_has_come(manager, editor, organisation):
    item = news(manager, organisation)
    services.publish_item(item, by=editor, publish_at=timezone.now() + datetime.timedelta(days=1))

    later = timezone.now() + datetime.timedelta(days=2)
    assert NewsItem.objects.filter(queries.public_filter(later)).get() == item


def test_scheduled_item_enters_the_index_once_due(manager, editor, organisation):
    from django.core.management import call_command

    item = news(manager, organisation)
    services.publish_item(item, by=editor, publish_at=timezone.now() + datetime.timedelta(hours=1))
    NewsItem.objects.filter(pk=item.pk).update(
        publish_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    stdout = io.StringIO()

    call_command("index_due_content", stdout=stdout)
    call_command("index_due_content", stdout=stdout)

    assert stdout.getvalue() == "1 scheduled items indexed\n0 scheduled items indexed\n"
    assert indexed(SearchDocument.Kind.NEWS) == ["laser-week"]


def test_archiving_removes_the_item_from_the_index(manager, editor, organisation):
    item = services.publish_item(news(manager, organisation), by=editor)

    services.archive_item(item, by=manager)

    assert list(queries.public_news()) == []
    assert indexed(SearchDocument.Kind.NEWS) == []
    assert search(SearchParams(q="Laser")).hits == []
    assert versions_of(item).first().action == Version.Action.ARCHIVE


def test_editing_a_published_item_updates_its_document(manager, editor, organisation):
    item = services.publish_item(news(manager, organisation), by=editor)

    services.update_news_item(item, by=manager, title="Photonics days")

    assert list(SearchDocument.objects.values_list("kind", "title")) == [("news", "Photonics days")]


def test_reject_needs_a_reason_and_returns_the_item_to_draft(manager, editor, organisation):
    item = services.submit_item(news(manager, organisation), by=manager)

    with pytest.raises(ValidationError) as error:
        services.reject_item(item, by=editor, reason="  ")
    assert error.value.message_dict == {"review_note": ["Tell the authors why the item goes back."]}

    services.reject_item(item, by=editor, reason="Please add a source.")
    item.refresh_from_db()
    assert (item.status, item.review_note) == (Status.DRAFT, "Please add a source.")


def test_only_drafts_are_submitted(manager, editor, organisation):
    item = services.publish_item(news(manager, organisation), by=editor)

    with pytest.raises(ValidationError) as error:
        services.submit_item(item, by=manager)

    assert error.value.message_dict == {
        "status": ["A news item that is “published” cannot become “submitted for review”."]
    }


# Events


def test_event_times_are_read_in_its_time_zone(member, organisation):
    event = services.create_event(by=member, organisation=organisation, **event_data())

    assert event.starts_at == datetime.datetime(2030, 3, 4, 8, 0, tzinfo=datetime.UTC)
    assert (event.local_start.hour, event.local_start.tzname()) == (9, "CET")


def test_event_ending_before_it_starts_is_rejected(member, organisation):
    with pytest.raises(ValidationError) as error:
        services.create_event(
            by=member,
            organisation=organisation,
            **event_data(ends_at=datetime.datetime(2030, 3, 4, 8, 0)),
        )

    assert error.value.message_dict == {"ends_at": ["The event ends before it starts."]}
    assert Event.objects.count() == 0


def test_event_needs_a_place_or_an_online_link(member, organisation):
    with pytest.raises(ValidationError) as error:
        services.create_event(by=member, organisation=organisation, **event_data(city=""))

    assert error.value.message_dict == {
        "city": ["Give the city and venue, or a link for an online event."]
    }
    online = services.create_event(
        by=member,
        organisation=organisation,
        **event_data(city="", online_url="https://example.org/webinar"),
    )
    assert online.is_online is True


def test_event_in_an_unknown_time_zone_is_rejected(member, organisation):
    with pytest.raises(ValidationError) as error:
        services.create_event(
            by=member, organisation=organisation, **event_data(time_zone="Mars/Olympus")
        )

    assert error.value.message_dict == {
        "time_zone": ["“Mars/Olympus” is not a known time zone (such as Europe/Berlin)."]
    }


def test_published_event_is_indexed_with_dates_and_facets(member, editor, organisation):
    event = services.create_event(
        by=member,
        organisation=organisation,
        fields=[Field.objects.get(slug="automotive")],
        country=Country.objects.get(code="FR"),
        **event_data(),
    )
    services.publish_item(event, by=editor)

    document = SearchDocument.objects.get(kind="event")
    assert (document.date_start, document.date_end) == (
        datetime.date(2030, 3, 4),
        datetime.date(2030, 3, 4),
    )
    facets = {(name, value) for _kind, name, value in index_facets(pk=document.pk)}
    assert {("type", "event"), ("country", "FR"), ("language", "en")} <= facets
    assert ("field", "automotive") in facets
    in_range = search(SearchParams(date_from=datetime.date(2030, 3, 1)))
    assert [hit.slug for hit in in_range.hits] == ["matchmaking-in-lyon"]
    assert search(SearchParams(date_to=datetime.date(2030, 3, 1))).hits == []


# Funding calls


def test_call_without_deadline_is_rejected_and_nothing_is_saved(member, organisation):
    with pytest.raises(ValidationError) as error:
        services.create_funding_call(
            by=member, organisation=organisation, deadlines=[], **call_data()
        )

    assert error.value.message_dict == {
        "deadlines": ["A funding call needs at least one deadline."]
    }
    assert (FundingCall.objects.count(), CallDeadline.objects.count()) == (0, 0)


def test_call_needs_a_programme(member, organisation):
    with pytest.raises(ValidationError) as error:
        services.create_funding_call(
            by=member,
            organisation=organisation,
            deadlines=[services.Deadline(datetime.datetime(2030, 1, 31, 12, 0))],
            **call_data(programme_name=""),
        )

    assert list(error.value.message_dict) == ["programme_name"]


def test_call_keeps_its_deadlines_in_order_with_their_zones(member, organisation):
    call = services.create_funding_call(
        by=member,
        organisation=organisation,
        deadlines=[
            services.Deadline(datetime.datetime(2030, 6, 30, 12, 0), "Europe/Berlin", "full"),
            services.Deadline(datetime.datetime(2030, 1, 31, 12, 0), "Europe/Berlin", "outline"),
        ],
        **call_data(),
    )

    assert [(d.label, d.local_deadline.hour) for d in call.deadlines.all()] == [
        ("outline", 12),
        ("full", 12),
    ]
    assert (call.first_deadline_at, call.last_deadline_at) == (
        datetime.datetime(2030, 1, 31, 12, 0, tzinfo=BERLIN),
        datetime.datetime(2030, 6, 30, 12, 0, tzinfo=BERLIN),
    )


def test_call_leaves_the_open_list_after_its_last_deadline(member, editor, organisation):
    call = services.create_funding_call(
        by=member,
        organisation=organisation,
        deadlines=[services.Deadline(in_days(5)), services.Deadline(in_days(40))],
        **call_data(),
    )
    services.publish_item(call, by=editor)

    assert list(queries.open_calls()) == [call]
    assert list(queries.calls_closing_soon()) == [call]
    assert list(queries.calls_closing_soon(now=timezone.now() + datetime.timedelta(days=6))) == []
    assert list(queries.open_calls(now=timezone.now() + datetime.timedelta(days=41))) == []
    assert list(queries.past_calls(now=timezone.now() + datetime.timedelta(days=41))) == [call]


def test_replacing_deadlines_keeps_no_stale_row(member, organisation):
    call = services.create_funding_call(
        by=member,
        organisation=organisation,
        deadlines=[services.Deadline(datetime.datetime(2030, 1, 31, 12, 0))],
        **call_data(),
    )

    services.update_funding_call(
        call, by=member, deadlines=[services.Deadline(datetime.datetime(2031, 2, 1, 12, 0))]
    )

    assert list(CallDeadline.objects.values_list("deadline_at__year", flat=True)) == [2031]


# Projects


def test_project_with_registry_and_external_partners(member, organisation):
    partner = OrganisationFactory(name="Optics Valley")
    project = services.create_project(
        by=member,
        organisation=organisation,
        title="Laser sensors",
        language="en",
        summary="Sensors.",
        lead_organisation=organisation,
        partners=[
            services.Partner(organisation=partner),
            services.Partner(name="Tohoku University", country=Country.objects.get(code="JP")),
        ],
        countries=[Country.objects.get(code="JP")],
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2022, 12, 31),
        phase=Project.Phase.IMPLEMENTATION,
    )

    assert [(p.display_name, p.country_id) for p in project.partners.all()] == [
        ("Optics Valley", None),
        ("Tohoku University", "JP"),
    ]


def test_project_ending_before_it_starts_is_rejected(member, organisation):
    with pytest.raises(ValidationError) as error:
        services.create_project(
            by=member,
            organisation=organisation,
            title="Backwards",
            language="en",
            summary="x",
            start_date=datetime.date(2022, 1, 1),
            end_date=datetime.date(2021, 1, 1),
        )

    assert error.value.message_dict == {"end_date": ["The project ends before it starts."]}
    assert Project.objects.count() == 0


def test_project_partner_needs_a_name(member, organisation):
    with pytest.raises(ValidationError) as error:
        services.create_project(
            by=member,
            organisation=organisation,
            title="P",
            language="en",
            summary="x",
            partners=[services.Partner(name=" ")],
        )

    assert list(error.value.message_dict) == ["partners"]
    assert (Project.objects.count(), ProjectPartner.objects.count()) == (0, 0)


def test_project_outcome_links_must_be_web_addresses(member, organisation):
    with pytest.raises(ValidationError) as error:
        services.create_project(
            by=member,
            organisation=organisation,
            title="P",
            language="en",
            summary="x",
            outcome_links="https://example.org/report\njavascript:alert(1)",
        )

    assert error.value.message_dict == {
        "outcome_links": ["“javascript:alert(1)” is not a web address."]
    }


def test_rebuild_indexes_every_public_item():
    from clusterscape.search.services import rebuild_index

    NewsItemFactory(slug="public-news")
    NewsItemFactory(slug="draft-news", status=Status.DRAFT)

    rebuild_index()

    assert indexed(SearchDocument.Kind.NEWS) == ["public-news"]
