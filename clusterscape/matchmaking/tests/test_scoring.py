import pytest

from clusterscape.matchmaking.profiles import Profile
from clusterscape.matchmaking.scoring import Reason, score

pytestmark = pytest.mark.unit


def profile(pk: int, **values) -> Profile:
    return Profile(organisation_id=pk, country=values.pop("country", "DE"), **values)


def test_same_field_scores_above_neighbouring_field_above_unrelated():
    a = profile(1, fields=frozenset({"photonics"}), areas=frozenset({"photonics-area"}))
    same = profile(2, fields=frozenset({"photonics"}), areas=frozenset({"photonics-area"}))
    neighbour = profile(
        3, fields=frozenset({"laser-technology"}), areas=frozenset({"photonics-area"})
    )
    unrelated = profile(4, fields=frozenset({"tourism"}), areas=frozenset({"services-society"}))

    scores = [score(a, b, {}).score for b in (same, neighbour, unrelated)]

    assert scores == sorted(scores, reverse=True)
    assert scores[2] == 0.0
    assert score(a, neighbour, {}).reasons == [Reason("same_area", "thematic", ("photonics-area",))]


def test_reciprocal_complement_beats_one_way_and_names_both_directions():
    a = profile(
        1,
        offers=frozenset({("lightweight-construction", "manufacturing")}),
        seeks=frozenset({("lightweight-construction", "testing-certification")}),
    )
    both_ways = profile(
        2,
        offers=frozenset({("lightweight-construction", "testing-certification")}),
        seeks=frozenset({("lightweight-construction", "manufacturing")}),
    )
    one_way = profile(3, offers=frozenset({("lightweight-construction", "testing-certification")}))

    reciprocal = score(a, both_ways, {})
    single = score(a, one_way, {})

    assert reciprocal.parts["complementarity"] == 1.0
    assert single.parts["complementarity"] == 0.5
    assert [r.code for r in reciprocal.reasons] == ["reciprocal", "they_offer", "you_offer"]


def test_near_identical_competitor_is_penalised():
    offers = frozenset({("photonics", "research")})
    a = profile(1, fields=frozenset({"photonics"}), offers=offers)
    twin = profile(2, fields=frozenset({"photonics"}), offers=offers)

    match = score(a, twin, {})

    assert match.penalty == 0.15
    assert match.reasons[-1] == Reason("competitor", "penalty")


def test_target_countries_count_each_way():
    a = profile(1, country="DE", target_countries=frozenset({"FR"}))
    b = profile(2, country="FR", target_countries=frozenset({"DE"}))
    c = profile(3, country="FR")

    assert score(a, b, {}).parts["fit"] == 0.6
    assert score(a, c, {}).parts["fit"] == 0.3


def test_member_mix_adding_industry_to_research_counts_as_fit():
    research = profile(1, research=20, industry=3)
    industry = profile(2, industry=80, research=5, management="Cluster GmbH", staff_fte=4.0)

    match = score(research, industry, {})

    assert match.parts["fit"] == 0.4
    assert [r.code for r in match.reasons] == ["management", "staff", "adds_industry"]
