"""Test data for search: registry organisations, indexed as the registry's services would."""

from clusterscape.registry.models import Field, Organisation, ProgrammeMembership, State
from clusterscape.registry.tests.factories import OrganisationFactory, ProgrammeFactory
from clusterscape.search import services
from clusterscape.search.backends import get_backend
from clusterscape.search.models import SearchDocument, SearchFacet, facet_pairs


def indexed_organisation(
    *,
    fields: tuple[str, ...] = (),
    states: tuple[str, ...] = (),
    programmes: tuple[tuple[str, int | None], ...] = (),
    **values,
) -> Organisation:
    """An organisation with fields, states and programme memberships (created when
    missing), written to the search index."""
    organisation = OrganisationFactory(**values)
    organisation.fields.set(Field.objects.filter(slug__in=fields))
    organisation.states.set(State.objects.filter(code__in=states))
    for slug, year in programmes:
        programme = ProgrammeFactory._meta.model.objects.filter(slug=slug).first()
        programme = programme or ProgrammeFactory(slug=slug, name_de=slug, name_en=slug)
        ProgrammeMembership.objects.create(
            organisation=organisation, programme=programme, year=year
        )
    services.index_organisation(organisation)
    return organisation


def events(count: int, *, start: int = 0, **values) -> list[services.IndexedDocument]:
    """Documents of kind event that mention hydrogen in their text only, numbered from
    start, in two states alternately (values override any field)."""
    return [
        services.IndexedDocument(
            **{
                "kind": "event",
                "object_id": number,
                "slug": f"event-{number}",
                "title": f"Event {number}",
                "body": "A meeting on hydrogen.",
                "facets": [
                    ("country", "DE"),
                    ("state", "DE-SN" if number % 2 else "DE-TH"),
                ],
                **values,
            }
        )
        for number in range(start, start + count)
    ]


def news(number: int, **values) -> services.IndexedDocument:
    """A news document numbered number (values override or add any field)."""
    return services.IndexedDocument(
        **{
            "kind": "news",
            "object_id": number,
            "slug": f"news-{number}",
            "title": f"News {number}",
            **values,
        }
    )


def index_facets(**documents) -> list[tuple[str, str, str]]:
    """The facets the index holds, (kind, name, value) once for each document with it, of
    the documents the filter given selects (all without one): its facet rows where the
    backend keeps them (SQLite), else the documents' keys (PostgreSQL tests and counts
    facets on those)."""
    selected = SearchDocument.objects.filter(**documents)
    if get_backend().FACET_ROWS:
        rows = SearchFacet.objects.filter(document__in=selected)
        return sorted(rows.values_list("kind", "name", "value"))
    return sorted(
        (kind, name, value)
        for kind, keys in selected.values_list("kind", "facet_keys")
        for name, value in facet_pairs(keys)
    )
