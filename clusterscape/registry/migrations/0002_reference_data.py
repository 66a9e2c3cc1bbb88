"""Reference data every installation has: countries (ISO 3166-1 from pycountry, names in
German and English from its Debian iso-codes catalogues), the 16 German states (ISO 3166-2
from pycountry, NUTS-1 from Eurostat's NUTS 2021; see data/SOURCES.md), the curated two-level
taxonomy of fields and the value-chain capabilities. Editors curate the taxonomy in the admin
afterwards; later changes to the curated lists come as new migrations."""

import gettext

import pycountry
from django.db import migrations

STATES = [
    # ISO 3166-2, NUTS-1, German name, English name, slug
    ("DE-BW", "DE1", "Baden-Württemberg", "Baden-Württemberg", "baden-wuerttemberg"),
    ("DE-BY", "DE2", "Bayern", "Bavaria", "bayern"),
    ("DE-BE", "DE3", "Berlin", "Berlin", "berlin"),
    ("DE-BB", "DE4", "Brandenburg", "Brandenburg", "brandenburg"),
    ("DE-HB", "DE5", "Bremen", "Bremen", "bremen"),
    ("DE-HH", "DE6", "Hamburg", "Hamburg", "hamburg"),
    ("DE-HE", "DE7", "Hessen", "Hesse", "hessen"),
    (
        "DE-MV",
        "DE8",
        "Mecklenburg-Vorpommern",
        "Mecklenburg-Western Pomerania",
        "mecklenburg-vorpommern",
    ),
    ("DE-NI", "DE9", "Niedersachsen", "Lower Saxony", "niedersachsen"),
    ("DE-NW", "DEA", "Nordrhein-Westfalen", "North Rhine-Westphalia", "nordrhein-westfalen"),
    ("DE-RP", "DEB", "Rheinland-Pfalz", "Rhineland-Palatinate", "rheinland-pfalz"),
    ("DE-SL", "DEC", "Saarland", "Saarland", "saarland"),
    ("DE-SN", "DED", "Sachsen", "Saxony", "sachsen"),
    ("DE-ST", "DEE", "Sachsen-Anhalt", "Saxony-Anhalt", "sachsen-anhalt"),
    ("DE-SH", "DEF", "Schleswig-Holstein", "Schleswig-Holstein", "schleswig-holstein"),
    ("DE-TH", "DEG", "Thüringen", "Thuringia", "thueringen"),
]

# (slug, German, English, synonyms in either language), areas first, then their fields.
TAXONOMY = [
    (
        ("mobility", "Mobilität", "Mobility", "Verkehr; transport"),
        [
            (
                "automotive",
                "Automobilwirtschaft",
                "Automotive",
                "Automobil; Fahrzeugbau; Kfz; Nutzfahrzeuge; commercial vehicles; car; vehicles; Zulieferer; automotive supply; autonomes Fahren; automated driving",
            ),
            (
                "aviation-aerospace",
                "Luft- und Raumfahrt",
                "Aviation and aerospace",
                "Luftfahrt; Raumfahrt; Flugzeugbau; aviation; aerospace; aircraft; space; Satellitennavigation; satellite navigation",
            ),
            ("rail", "Bahntechnik", "Rail technology", "Schienenverkehr; Eisenbahn; railway"),
            (
                "electromobility",
                "Elektromobilität",
                "Electric mobility",
                "E-Mobilität; e-mobility; Elektrofahrzeuge; electric vehicles",
            ),
            (
                "logistics",
                "Logistik",
                "Logistics",
                "Transport; Güterverkehr; supply chain; freight",
            ),
            (
                "maritime",
                "Maritime Wirtschaft und Meerestechnik",
                "Maritime industry and ocean technology",
                "maritim; Schiffbau; Häfen; shipbuilding; shipping; ports; Meerestechnik; ocean technology; offshore",
            ),
        ],
    ),
    (
        ("energy", "Energie", "Energy", "Energiewirtschaft; energy industry"),
        [
            (
                "renewable-energy",
                "Erneuerbare Energien",
                "Renewable energies",
                "Windenergie; wind energy; Bioenergie; Geothermie; renewables; clean energy",
            ),
            (
                "photovoltaics",
                "Photovoltaik",
                "Photovoltaics",
                "Solar; Solarenergie; solar energy; solar cells; Solarzellen",
            ),
            (
                "hydrogen",
                "Wasserstoff und Brennstoffzellen",
                "Hydrogen and fuel cells",
                "Wasserstoff; hydrogen; Brennstoffzelle; fuel cell; Power-to-X",
            ),
            (
                "energy-storage",
                "Batterien und Energiespeicher",
                "Batteries and energy storage",
                "Batterie; Akku; battery; Speicher; storage",
            ),
            (
                "energy-technology",
                "Energietechnik und Energieeffizienz",
                "Energy technology and efficiency",
                "Energieeffizienz; energy efficiency; Smart Grid; Netze; grids; dezentrale Energie; decentralised energy",
            ),
        ],
    ),
    (
        (
            "health",
            "Gesundheit und Lebenswissenschaften",
            "Health and life sciences",
            "Life Sciences; Lebenswissenschaften; Gesundheitswirtschaft; health economy; healthcare",
        ),
        [
            (
                "biotechnology",
                "Biotechnologie",
                "Biotechnology",
                "Biotech; rote Biotechnologie; biopharma",
            ),
            (
                "medical-technology",
                "Medizintechnik",
                "Medical technology",
                "Medtech; Medizinprodukte; medical devices",
            ),
            (
                "pharma",
                "Pharma und Wirkstoffentwicklung",
                "Pharmaceuticals and drug development",
                "Pharmazie; Arzneimittel; Wirkstoffe; drugs; medicines; drug discovery",
            ),
            (
                "personalised-medicine",
                "Personalisierte Medizin",
                "Personalised medicine",
                "individualisierte Medizin; individualised medicine; Immuntherapie; immunotherapy; Zelltherapie; Gentherapie; cell therapy; gene therapy; Onkologie; oncology; Krebs; cancer",
            ),
            (
                "diagnostics",
                "Diagnostik",
                "Diagnostics",
                "Labordiagnostik; molecular diagnostics; molekulare Diagnostik",
            ),
            (
                "digital-health",
                "Digitale Gesundheit",
                "Digital health",
                "E-Health; eHealth; Telemedizin; telemedicine; Gesundheits-IT; health IT",
            ),
            (
                "health-care",
                "Gesundheitsversorgung",
                "Health care",
                "Pflege; care; Krankenhaus; hospital; Gesundheitsmanagement; healthcare management",
            ),
        ],
    ),
    (
        (
            "digital",
            "Digitale Technologien",
            "Digital technologies",
            "Digitalisierung; digitalisation; IKT; ICT",
        ),
        [
            (
                "software-ict",
                "Software und IKT",
                "Software and ICT",
                "Informationstechnik; Informations- und Kommunikationstechnik; information technology; IT; Software; Unternehmenssoftware; enterprise software; Telematik; telematics; Telekommunikation; telecommunications",
            ),
            (
                "it-security",
                "IT-Sicherheit",
                "IT security",
                "Cybersicherheit; cyber security; Datenschutz; data protection",
            ),
            (
                "artificial-intelligence",
                "Künstliche Intelligenz",
                "Artificial intelligence",
                "KI; AI; maschinelles Lernen; machine learning; neuromorph; neuromorphic",
            ),
            (
                "quantum",
                "Quantentechnologien",
                "Quantum technologies",
                "Quantencomputing; quantum computing; Quantensensorik; quantum sensors",
            ),
        ],
    ),
    (
        (
            "electronics",
            "Elektronik und Mikrosysteme",
            "Electronics and microsystems",
            "Elektrotechnik; electrical engineering",
        ),
        [
            (
                "microelectronics",
                "Mikro- und Nanoelektronik",
                "Micro- and nanoelectronics",
                "Halbleiter; semiconductors; Chips; Mikroelektronik; microelectronics",
            ),
            (
                "organic-electronics",
                "Organische Elektronik",
                "Organic electronics",
                "gedruckte Elektronik; printed electronics; flexible Elektronik; flexible electronics; OLED",
            ),
            ("power-electronics", "Leistungselektronik", "Power electronics", ""),
            (
                "microsystems",
                "Mikrosystemtechnik",
                "Microsystems technology",
                "MEMS; Mikrotechnik; microtechnology; Smart Systems",
            ),
            (
                "sensors",
                "Sensorik",
                "Sensor technology",
                "Sensoren; sensors; Messtechnik; measurement",
            ),
            (
                "nanotechnology",
                "Nanotechnologie",
                "Nanotechnology",
                "Nano; Nanomaterialien; nanomaterials",
            ),
        ],
    ),
    (
        ("photonics-area", "Photonik", "Photonics", ""),
        [
            (
                "photonics",
                "Optische Technologien und Photonik",
                "Photonics and optical technologies",
                "Optik; optics; optische Technologien; optical technologies; Photonik; Feinmechanik; precision optics",
            ),
            ("laser-technology", "Lasertechnik", "Laser technology", "Laser; lasers"),
        ],
    ),
    (
        (
            "production",
            "Produktion und Werkstoffe",
            "Production and materials",
            "Industrie; industry; Fertigung; manufacturing",
        ),
        [
            (
                "lightweight-construction",
                "Leichtbau",
                "Lightweight construction",
                "Faserverbund; Faserverbundleichtbau; Verbundwerkstoffe; composites; Carbon; CFK; carbon fibre; lightweighting",
            ),
            (
                "materials",
                "Neue Werkstoffe",
                "Advanced materials",
                "Werkstoffe; Materialien; materials; Materialforschung",
            ),
            (
                "chemistry",
                "Chemie",
                "Chemistry",
                "chemische Industrie; chemical industry; Chemikalien; chemicals",
            ),
            ("plastics", "Kunststoffe", "Plastics", "Kunststoff; polymers; Polymere"),
            (
                "industry-4-0",
                "Produktion und Industrie 4.0",
                "Production and Industry 4.0",
                "Industrie 4.0; Industry 4.0; intelligente technische Systeme; intelligent technical systems; digitale Fertigung; digital manufacturing; Produktionstechnik; production technology",
            ),
            (
                "mechatronics-automation",
                "Mechatronik und Automatisierung",
                "Mechatronics and automation",
                "Mechatronik; mechatronics; Automatisierung; automation; Robotik; robotics; Adaptronik; adaptronics",
            ),
            (
                "mechanical-engineering",
                "Maschinen- und Anlagenbau",
                "Mechanical and plant engineering",
                "Maschinenbau; mechanical engineering; Anlagenbau",
            ),
            (
                "additive-manufacturing",
                "Additive Fertigung",
                "Additive manufacturing",
                "3D-Druck; 3D printing",
            ),
            (
                "metalworking",
                "Metallverarbeitung",
                "Metalworking",
                "Metall; metal industry; Metallindustrie; Präzisionsmechanik; precision mechanics",
            ),
            (
                "textiles",
                "Textil und Faserwerkstoffe",
                "Textiles and fibre materials",
                "Textilien; Textil; technical textiles; technische Textilien; Fasern; fibres",
            ),
        ],
    ),
    (
        ("bioeconomy-agrifood", "Bioökonomie und Ernährung", "Bioeconomy and agri-food", ""),
        [
            (
                "bioeconomy",
                "Bioökonomie",
                "Bioeconomy",
                "nachwachsende Rohstoffe; renewable resources; biobasiert; bio-based; Biomasse; biomass",
            ),
            (
                "industrial-biotechnology",
                "Industrielle Biotechnologie",
                "Industrial biotechnology",
                "weiße Biotechnologie; white biotechnology",
            ),
            (
                "agri-food",
                "Ernährungswirtschaft und Landwirtschaft",
                "Food and agriculture",
                "Lebensmittel; food; Ernährung; Ernährungsindustrie; food industry; Landwirtschaft; agriculture; Agrar; agri-food; food processing",
            ),
            (
                "forestry-wood",
                "Forst und Holz",
                "Forestry and wood",
                "Holz; timber; wood; Forstwirtschaft; forestry",
            ),
        ],
    ),
    (
        (
            "environment",
            "Umwelt, Wasser und Bauen",
            "Environment, water and construction",
            "Nachhaltigkeit; sustainability",
        ),
        [
            (
                "environmental-technology",
                "Umwelttechnik",
                "Environmental technology",
                "Umwelttechnologien; Cleantech; clean technologies; Recycling; Kreislaufwirtschaft; circular economy",
            ),
            (
                "water",
                "Wassertechnologien",
                "Water technologies",
                "Wasser; water; Abwasser; wastewater",
            ),
            (
                "construction",
                "Bauwirtschaft",
                "Building and construction",
                "Bauen; Bau; construction; building",
            ),
        ],
    ),
    (
        ("services-society", "Dienstleistungen und Gesellschaft", "Services and society", ""),
        [
            (
                "creative-industries",
                "Kultur- und Kreativwirtschaft",
                "Cultural and creative industries",
                "Kreativwirtschaft; creative industries; Medien; media; Games; games; Design; design",
            ),
            ("tourism", "Tourismus", "Tourism", "Reisen; travel"),
            ("sports", "Sport", "Sports", "Sportwirtschaft; sport"),
            ("finance", "Finanzwirtschaft", "Finance", "Finanzen; Fintech; banking"),
        ],
    ),
]

CAPABILITIES = [
    ("research", "Forschung", "Research"),
    ("development-prototyping", "Entwicklung und Prototypen", "Development and prototyping"),
    ("testing-certification", "Prüfung und Zertifizierung", "Testing and certification"),
    ("manufacturing", "Fertigung", "Manufacturing"),
    ("digital-data", "Digitales und Daten", "Digital and data"),
    ("market-access", "Marktzugang", "Market access"),
    ("financing", "Finanzierung", "Financing"),
    ("skills-training", "Fachkräfte und Weiterbildung", "Skills and training"),
    ("regulation-standards", "Regulierung und Normen", "Regulation and standards"),
]


def country_names():
    german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        yield country.alpha_2, german.gettext(english), english


def load(apps, schema_editor):
    Country = apps.get_model("registry", "Country")
    State = apps.get_model("registry", "State")
    Field = apps.get_model("registry", "Field")
    Capability = apps.get_model("registry", "Capability")

    Country.objects.bulk_create(
        [Country(code=code, name_de=de, name_en=en) for code, de, en in country_names()]
    )
    State.objects.bulk_create(
        [
            State(code=code, nuts_code=nuts, name_de=de, name_en=en, slug=slug, country_id="DE")
            for code, nuts, de, en, slug in STATES
        ]
    )
    position = 0
    for (slug, de, en, synonyms), children in TAXONOMY:
        position += 1
        area = Field.objects.create(
            slug=slug, name_de=de, name_en=en, synonyms=synonyms, position=position
        )
        for child_slug, child_de, child_en, child_synonyms in children:
            position += 1
            Field.objects.create(
                slug=child_slug,
                name_de=child_de,
                name_en=child_en,
                synonyms=child_synonyms,
                parent=area,
                position=position,
            )
    Capability.objects.bulk_create(
        [
            Capability(slug=slug, name_de=de, name_en=en, position=index)
            for index, (slug, de, en) in enumerate(CAPABILITIES, start=1)
        ]
    )


def unload(apps, schema_editor):
    for model in ("Capability", "Field", "State", "Country"):
        manager = apps.get_model("registry", model).objects
        if model == "Field":
            manager.filter(parent__isnull=False).delete()
        manager.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
