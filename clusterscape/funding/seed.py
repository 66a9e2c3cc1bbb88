"""The shipped seed of the internationalisation programme (InterSpiN): its rules and rounds
from the public guideline, and the clusters that the shipped data (data/organisations.csv,
programme column `interspin:<year>`) names as selected, with their partner countries.

Only sourced facts: budgets, phase dates, milestones and partnership stages are not
published for single clusters and stay empty ("not published").
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from clusterscape.registry.models import Programme, ProgrammeMembership

from . import services
from .models import FundingProgramme, Round

REGISTRY_SLUG = "interspin"

GUIDELINE_2014 = (
    "https://blogs.fau.de/natfakinternational/2014/12/09/"
    "bmbf-internationalisierung-von-spitzenclustern-zukunftsprojekten-und-vergleichbaren-netzwerken/"
)
GUIDELINE_2015 = "https://newslettercollector.nl/newsletter/bekanntmachung(29)/"
GUIDELINE_2016 = (
    "https://bmbf.de/bmbf/shareddocs/bekanntmachungen/de/2016/11/1274_bekanntmachung.html"
)
DEADLINE_2017 = (
    "https://science.rmtmo.eu/de/neues/"
    "bundesministerium-fuer-bildung-und-forschung-foerdert-die-internationalisierung-von-"
    "deutschen-spitzenclustern"
)
ACCOMPANYING_RESEARCH = (
    "https://kooperation-international.de/aktuelles/links-institutionen/detail/info/"
    "begleitforschung-interspin-foerdermassnahme-zur-internationalisierung-von-spitzenclustern-"
    "zukunftsp"
)

PROGRAMME = {
    "slug": "interspin",
    "name_de": (
        "Internationalisierung von Spitzenclustern, Zukunftsprojekten und vergleichbaren "
        "Netzwerken (InterSpiN)"
    ),
    "name_en": (
        "Internationalisation of Leading-Edge Clusters, Forward-Looking Projects and "
        "Comparable Networks (InterSpiN)"
    ),
    # Up to EUR 4 m per cluster (programmes.csv, interspin.de, Hamburg Aviation press release).
    "cap_per_cluster_eur": Decimal("4000000"),
    # Guideline: a concept phase of at most two years, then an implementation phase of at
    # most three years that may partly overlap the concept phase's project.
    "concept_phase_max_months": 24,
    "implementation_phase_max_months": 36,
    "phases_may_overlap": True,
    "partners_abroad_only": True,
    "description_de": (
        "Fördermaßnahme des BMBF: Deutsche Cluster und Netzwerke erarbeiten in einer "
        "Konzeptionsphase von höchstens zwei Jahren ein Internationalisierungskonzept, suchen "
        "Partnerregionen mit ergänzenden Kompetenzen und entwickeln mit ihnen gemeinsame "
        "Projektideen; die Finanzierung der ausländischen Partner und Regeln der Zusammenarbeit "
        "wie zum geistigen Eigentum werden geklärt. In einer Umsetzungsphase von höchstens drei "
        "Jahren folgen gemeinsame Projekte in Forschung, Entwicklung und Innovation. Bis zu "
        "4 Mio. Euro je Cluster; die Partner bringen eigene Mittel ein und arbeiten auf "
        "Augenhöhe. Eine Begleitforschung unterstützt den Erfahrungsaustausch der geförderten "
        "Cluster."
    ),
    "description_en": (
        "BMBF funding measure: German clusters and networks work out an internationalisation "
        "concept in a concept phase of at most two years, look for partner regions with "
        "complementary competences and develop joint project ideas with them; the foreign "
        "partners' funding and rules of cooperation such as intellectual property are agreed. "
        "An implementation phase of at most three years follows with joint research, "
        "development and innovation projects. Up to EUR 4 m per cluster; partners bring their "
        "own funding and work on an equal footing. Accompanying research supports the funded "
        "clusters' exchange of experience."
    ),
}
PROGRAMME_SOURCES = [
    GUIDELINE_2014,
    "https://interspin.de/en/cluster-network",
    "http://www.hamburg-aviation.de/en/press/press-releases/article/meldung/"
    "hamburg-aviation-erhaelt-neue-foerderung-vom-bund.html",
    ACCOMPANYING_RESEARCH,
]

# Selections per round: 11 + 11 + 10 (interspin.de, programmes.csv). Announcements in June of
# the round's year, projects starting early the next year (data/SOURCES.md).
ROUNDS = [
    {
        "year": 2015,
        "target_selections": 11,
        "description_de": "Auswahl im Juni 2015 bekanntgegeben; Projektstart Anfang 2016.",
        "description_en": "Selection announced in June 2015; projects started early in 2016.",
        "source_urls": [GUIDELINE_2014, "http://interspin.de/"],
    },
    {
        "year": 2016,
        "target_selections": 11,
        "description_de": (
            "Richtlinie der zweiten Wettbewerbsrunde vom 23. November 2015; Auswahl im Juni 2016 "
            "bekanntgegeben; Projektstart Anfang 2017."
        ),
        "description_en": (
            "Guideline of the second round dated 23 November 2015; selection announced in June "
            "2016; projects started early in 2017."
        ),
        "source_urls": [GUIDELINE_2015, "http://interspin.de/"],
    },
    {
        "year": 2017,
        "target_selections": 10,
        # Guideline of 7 Nov 2016 published in the Bundesanzeiger on 18 Nov 2016; outlines due
        # by 15 March 2017.
        "call_opens": datetime.date(2016, 11, 18),
        "call_closes": datetime.date(2017, 3, 15),
        "description_de": (
            "Richtlinie der dritten Wettbewerbsrunde vom 7. November 2016 (Bundesanzeiger vom "
            "18. November 2016), Bewerbungen bis 15. März 2017; Auswahl im Juni 2017 "
            "bekanntgegeben; Projektstart Anfang 2018."
        ),
        "description_en": (
            "Guideline of the third round dated 7 November 2016 (Federal Gazette of 18 November "
            "2016), applications due by 15 March 2017; selection announced in June 2017; "
            "projects started early in 2018."
        ),
        "source_urls": [GUIDELINE_2016, DEADLINE_2017, "http://interspin.de/"],
    },
]


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _update(instance, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


@transaction.atomic
def load_interspin() -> SeedReport:
    """Create or update the programme and its rounds, then record each sourced selection.
    Idempotent: a second run changes nothing."""
    report = SeedReport()
    registry_programme = Programme.objects.filter(slug=REGISTRY_SLUG).first()
    programme = FundingProgramme.objects.filter(slug=PROGRAMME["slug"]).first()
    values = {
        **PROGRAMME,
        "programme": registry_programme,
        "source_urls": "\n".join(PROGRAMME_SOURCES),
    }
    if programme is None or _update(programme, values):
        programme = programme or FundingProgramme(**values)
        services.save_programme(programme, by=None)
    rounds = {}
    for spec in ROUNDS:
        round = Round.objects.filter(programme=programme, year=spec["year"]).first()
        values = {
            "call_opens": None,
            "call_closes": None,
            **spec,
            "programme": programme,
            "source_urls": "\n".join(spec["source_urls"]),
        }
        if round is None or _update(round, values):
            round = round or Round(**values)
            services.save_round(round, by=None)
        rounds[round.year] = round
    if registry_programme is None:
        return report
    memberships = (
        ProgrammeMembership.objects.filter(programme=registry_programme)
        .select_related("organisation")
        .prefetch_related("organisation__partner_countries", "organisation__sources")
        .order_by("year", "organisation__slug")
    )
    for membership in memberships:
        organisation = membership.organisation
        round = rounds.get(membership.year)
        if round is None:
            report.skipped.append(organisation.slug)
            continue
        _application, created = services.record_published_selection(
            round,
            organisation,
            partner_countries=organisation.partner_countries.all(),
            source_urls=[source.url for source in organisation.sources.all()],
            by=None,
        )
        (report.created if created else report.unchanged).append(organisation.slug)
    return report
