import pytest

from clusterscape.matchmaking.queries import Filters, Scope, profile_of, recommend
from clusterscape.matchmaking.reasons import Labels, render_hint, render_reasons
from clusterscape.matchmaking.scoring import hints

from .factories import matched_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def ranked(organisation, **options) -> list[int]:
    return [m.profile.organisation_id for m in recommend(profile_of(organisation), **options)]


def test_recommendation_excludes_own_cluster_and_own_country_by_default():
    a = matched_organisation(fields=("photonics",), country="DE")
    german = matched_organisation(fields=("photonics",), country="DE")
    french = matched_organisation(fields=("photonics",), country="FR")
    unrelated = matched_organisation(fields=("tourism",), country="FR")

    assert ranked(a) == [french.pk]
    assert ranked(a, scope=Scope.ANY) == [german.pk, french.pk]  # equal scores: by id
    assert unrelated.pk not in ranked(a, scope=Scope.ANY)


def test_recommendation_ranks_complement_over_same_field_and_says_why():
    a = matched_organisation(
        fields=("lightweight-construction",),
        offers=(("lightweight-construction", "manufacturing"),),
        seeks=(("lightweight-construction", "testing-certification"),),
        country="DE",
    )
    same_field = matched_organisation(fields=("lightweight-construction",), country="FR")
    complement = matched_organisation(
        fields=("lightweight-construction",),
        offers=(("lightweight-construction", "testing-certification"),),
        seeks=(("lightweight-construction", "manufacturing"),),
        targets=("DE",),
        country="JP",
    )

    matches = recommend(profile_of(a))

    assert [m.profile.organisation_id for m in matches] == [complement.pk, same_field.pk]
    assert render_reasons(matches[0].reasons, Labels.load(), "en") == (
        "Both work on Lightweight construction; each side offers what the other seeks; "
        "they offer Testing and certification in Lightweight construction, which you seek; "
        "you offer Manufacturing in Lightweight construction, which they seek; "
        "they look for partners in Germany"
    )


def test_filters_narrow_the_candidates():
    a = matched_organisation(fields=("photonics",), country="DE")
    french = matched_organisation(fields=("photonics",), country="FR", kind="network")
    japanese = matched_organisation(fields=("photonics",), country="JP")

    assert ranked(a, filters=Filters(country="JP")) == [japanese.pk]
    assert ranked(a, filters=Filters(kind="network")) == [french.pk]
    assert ranked(a, filters=Filters(field="photonics-area")) == sorted([french.pk, japanese.pk])


def test_organisation_without_fields_gets_partners_from_its_countries_and_hints():
    a = matched_organisation(country="DE", partner_countries=("FR",))
    looks_for_germany = matched_organisation(fields=("photonics",), country="FR", targets=("DE",))
    elsewhere = matched_organisation(fields=("photonics",), country="JP")

    assert ranked(a) == [looks_for_germany.pk]
    assert elsewhere.pk not in ranked(a)
    assert hints(profile_of(a)) == ["add_fields", "add_competences", "add_target_countries"]
    assert render_hint("add_fields").startswith("Add your fields to the profile")
