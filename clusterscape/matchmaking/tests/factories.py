"""Organisations with fields, competences and countries, indexed for matching."""

import itertools

from clusterscape.matchmaking.index import index_match_profile
from clusterscape.registry.models import Capability, Competence, Country, Field, Organisation
from clusterscape.registry.tests.factories import OrganisationFactory

NUMBERS = itertools.count(1)


def matched_organisation(
    *,
    fields: tuple[str, ...] = (),
    offers: tuple[tuple[str, str], ...] = (),
    seeks: tuple[tuple[str, str], ...] = (),
    targets: tuple[str, ...] = (),
    partner_countries: tuple[str, ...] = (),
    **values,
) -> Organisation:
    """A published organisation (factory defaults) with the given taxonomy and countries,
    in the match index. Competences are (field slug or "", capability slug or "")."""
    values.setdefault("name", f"Org{next(NUMBERS)}")  # a word no other name shares
    if isinstance(values.get("country"), str):
        values["country"] = Country.objects.get(code=values["country"])
    organisation = OrganisationFactory(**values)
    organisation.fields.set(Field.objects.filter(slug__in=fields))
    organisation.target_countries.set(Country.objects.filter(code__in=targets))
    organisation.partner_countries.set(Country.objects.filter(code__in=partner_countries))
    for direction, items in (
        (Competence.Direction.OFFERS, offers),
        (Competence.Direction.SEEKS, seeks),
    ):
        for field_slug, capability in items:
            Competence.objects.create(
                organisation=organisation,
                direction=direction,
                field=Field.objects.get(slug=field_slug) if field_slug else None,
                capability=Capability.objects.get(slug=capability) if capability else None,
            )
    index_match_profile(organisation)
    return organisation
