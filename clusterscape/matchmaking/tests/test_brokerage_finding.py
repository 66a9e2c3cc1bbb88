"""Finding whom to meet: the participant list filtered by type of cooperation, and the
suggested meetings of a signed-in participant, ranked by the list's own match score."""

import datetime

import pytest
from django.urls import reverse

from clusterscape.matchmaking import brokerage_services as services
from clusterscape.matchmaking import brokerage_views
from clusterscape.matchmaking.models import PartnerRequest
from clusterscape.registry.models import Country

from .brokerage_factories import brokerage_event, meeting_request, participant
from .factories import matched_organisation

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def url(name, brokerage, *args):
    return reverse(f"brokerage:{name}", args=[brokerage.event.slug, *args])


def offer(registered, title, cooperation):
    item = PartnerRequest.objects.create(
        organisation=registered.organisation,
        title=title,
        offers="Test benches",
        cooperation=cooperation,
        deadline=datetime.date(2030, 12, 31),
        language="en",
    )
    registered.partner_requests.add(item)
    return item


def test_participants_filtered_by_type_of_cooperation(client):
    brokerage = brokerage_event()
    research = participant(brokerage, name="Alpha")
    market = participant(brokerage, name="Beta")
    participant(brokerage, name="Gamma")
    offer(research, "Joint sensor research", PartnerRequest.Cooperation.RESEARCH)
    offer(research, "Second research offer", PartnerRequest.Cooperation.RESEARCH)
    offer(market, "Entry to the French market", PartnerRequest.Cooperation.MARKET)

    response = client.get(url("detail", brokerage), {"cooperation": "research"})

    assert [row["participant"] for row in response.context["rows"]] == [research]
    assert (
        "Offers and requests: Joint sensor research (joint research and development); "
        "Second research offer (joint research and development)"
    ) in response.content.decode()
    everyone = client.get(url("detail", brokerage))
    assert len(everyone.context["rows"]) == 3


def matched_participants(brokerage):
    me = participant(
        brokerage,
        matched_organisation(
            name="Seeker", fields=("automotive",), seeks=(("automotive", "manufacturing"),)
        ),
    )
    best = participant(
        brokerage,
        matched_organisation(
            name="Best",
            fields=("automotive",),
            offers=(("automotive", "manufacturing"),),
            country="FR",
        ),
    )
    good = participant(
        brokerage,
        matched_organisation(name="Good", fields=("automotive",), country="JP"),
    )
    unrelated = participant(brokerage, matched_organisation(name="Unrelated", country="JP"))
    return me, best, good, unrelated


def test_suggestions_rank_by_the_lists_score_and_leave_out_those_asked(client):
    brokerage = brokerage_event()
    me, best, good, unrelated = matched_participants(brokerage)
    client.force_login(me.user)

    response = client.get(url("detail", brokerage))
    suggestions = response.context["suggestions"]
    rows = {row["participant"]: row["match"] for row in response.context["rows"]}

    assert [other for other, _match in suggestions] == [best, good]
    assert [match for _other, match in suggestions] == [rows[best], rows[good]]
    assert rows[best].match.score > rows[good].match.score > 0
    assert rows[unrelated] is None or rows[unrelated].match.score == 0
    page = response.content.decode()
    assert page.index("Suggested meetings") < page.index('<h2 id="participants">')
    assert f"Match {rows[best].percent} %: {rows[best].summary}" in page

    request = meeting_request(me, best)
    meeting_request(good, me)
    assert client.get(url("detail", brokerage)).context["suggestions"] == []

    services.withdraw_meeting_request(request, by=me.user)
    assert [o for o, _m in client.get(url("detail", brokerage)).context["suggestions"]] == [best]


def test_suggestions_ignore_the_lists_filters(client):
    brokerage = brokerage_event()
    me, best, good, _unrelated = matched_participants(brokerage)
    client.force_login(me.user)

    response = client.get(url("detail", brokerage), {"country": "JP"})

    assert best not in [row["participant"] for row in response.context["rows"]]
    assert [other for other, _match in response.context["suggestions"]] == [best, good]


def test_visitors_and_others_get_no_suggestions(client):
    brokerage = brokerage_event()
    matched_participants(brokerage)
    page = client.get(url("detail", brokerage))
    assert page.context["suggestions"] == []
    assert "Suggested meetings" not in page.content.decode()


def test_a_big_list_comes_in_pages_best_match_first_with_the_filters_kept(client, monkeypatch):
    monkeypatch.setattr(brokerage_views, "PARTICIPANTS_PER_PAGE", 3)
    brokerage = brokerage_event()
    me, best, good, _unrelated = matched_participants(brokerage)
    japan = Country.objects.get(code="JP")
    for number in range(4):
        participant(brokerage, name=f"Aardvark {number}", country=japan)
    client.force_login(me.user)

    pages = [client.get(url("detail", brokerage), {"page": n}) for n in (1, 2, 3)]

    rows = [[row["participant"] for row in page.context["rows"]] for page in pages]
    assert [len(page) for page in rows] == [3, 3, 2]
    assert rows[0][:2] == [best, good]  # by the match, though both names sort after the others
    assert sorted(p.pk for page in rows for p in page) == sorted(
        p.pk for p in brokerage.participants.all()
    )
    first = pages[0].content.decode()
    assert "8 participants · best match first" in first
    assert 'href="?page=2" rel="next"' in first

    narrowed = client.get(url("detail", brokerage), {"country": "JP", "page": 2})
    assert 'href="?country=JP&amp;page=1" rel="prev"' in narrowed.content.decode()
    japanese = [row["participant"] for row in narrowed.context["rows"]]
    assert len(japanese) == 3  # of six: "Good", "Unrelated" and the four others
    assert {p.organisation.country_id for p in japanese} == {"JP"}


def test_the_filters_offer_the_countries_and_fields_of_the_participants(client):
    brokerage = brokerage_event()
    matched_participants(brokerage)  # in Germany (the factory's default), France and Japan
    elsewhere = brokerage_event()
    participant(elsewhere, matched_organisation(fields=("photonics",), country="US"))

    form = client.get(url("detail", brokerage)).context["form"]

    countries = {country.code for country in form.fields["country"].queryset}
    assert {"FR", "JP"} <= countries
    assert "US" not in countries
    assert [field.slug for field in form.fields["field"].queryset] == ["automotive"]
    assert '<option value="photonics"' not in client.get(url("detail", brokerage)).content.decode()
