import io

import pytest
from django.core.management import call_command

from clusterscape.matchmaking.models import MatchPosting, MatchProfile, MatchTerm
from clusterscape.matchmaking.profiles import Profile
from clusterscape.registry import services as registry_services
from clusterscape.registry.models import Organisation

from .factories import matched_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

RECORD = {
    "slug": "photonics-bw",
    "name": "Photonics BW",
    "kind": "cluster",
    "country": "DE",
    "states": "DE-BW",
    "fields": "photonics",
    "keywords": "laser optics",
    "offers": "photonics:testing-certification",
    "seeks": "lightweight-construction:manufacturing",
    "target_countries": "FR;JP",
    "programmes": "",
    "source_urls": "https://example.org/photonics-bw",
}


def keys_of(organisation: Organisation) -> list[str]:
    return sorted(
        MatchPosting.objects.filter(profile_id=organisation.pk).values_list("key", flat=True)
    )


def test_saving_a_record_writes_the_match_profile_in_the_same_write():
    organisation, _outcome = registry_services.save_organisation_record(RECORD)

    profile = Profile.from_json(organisation.pk, MatchProfile.objects.get().data)
    assert profile.fields == frozenset({"photonics"})
    assert profile.areas == frozenset({"photonics-area"})
    assert profile.offers == frozenset({("photonics", "testing-certification")})
    assert profile.seeks == frozenset({("lightweight-construction", "manufacturing")})
    assert profile.target_countries == frozenset({"FR", "JP"})
    assert profile.states == frozenset({"DE-BW"})
    assert {"laser", "optic", "optics", "photonics"} <= profile.terms.keys()
    assert [k for k in keys_of(organisation) if not k.startswith("t:")] == [
        "a:photonics-area",
        "c:DE",
        "f:photonics",
        "o:photonics:testing-certification",
        "oc:testing-certification",
        "of:photonics",
        "s:lightweight-construction:manufacturing",
        "sc:manufacturing",
        "sf:lightweight-construction",
        "st:DE-BW",
        "tc:FR",
        "tc:JP",
    ]


def test_unpublishing_removes_the_profile_its_postings_and_its_term_counts():
    registry_services.save_organisation_record(RECORD)
    assert MatchTerm.objects.get(term="laser").df == 1

    registry_services.save_organisation_record({**RECORD, "status": "draft"})

    assert MatchProfile.objects.count() == 0
    assert MatchPosting.objects.count() == 0
    assert MatchTerm.objects.get(term="laser").df == 0


def test_rebuild_makes_the_same_index_again():
    first = matched_organisation(fields=("photonics",), offers=(("photonics", "research"),))
    second = matched_organisation(fields=("automotive",), keywords="laser welding")
    before = (keys_of(first), keys_of(second))
    MatchPosting.objects.all().delete()
    MatchProfile.objects.all().delete()

    out = io.StringIO()
    call_command("rebuild_match_index", stdout=out)

    assert out.getvalue() == "match index: 2 profiles\n"
    assert (keys_of(first), keys_of(second)) == before
    assert MatchTerm.objects.get(term="laser").df == 1
