"""The published criteria a new profile is validated against. They are the registration
criteria of the European Cluster Collaboration Platform as named in issue 8 of this project;
editors may change them in the admin."""

from django.db import migrations

CRITERIA = [
    (
        "management-team",
        "Engagiertes Clustermanagement",
        "Dedicated management team",
        "Ein eigenes Managementteam mit mindestens 0,5 Vollzeitäquivalenten.",
        "A dedicated management team of at least 0.5 full-time equivalents.",
    ),
    (
        "committed-members",
        "Mindestens 15 Mitglieder",
        "At least 15 committed members",
        "Mindestens 15 Mitglieder, die sich verbindlich beteiligen.",
        "At least 15 members committed to the cluster.",
    ),
    (
        "triple-helix",
        "Mindestens zwei Mitgliedsarten (Triple Helix)",
        "At least two member types (triple helix)",
        "Mitglieder aus mindestens zwei der Gruppen Wirtschaft, Forschung, öffentliche Stellen "
        "und Zivilgesellschaft.",
        "Members from at least two of the groups industry, research, public bodies and civil "
        "society.",
    ),
    (
        "website",
        "Funktionierende Website",
        "Working website",
        "Eine erreichbare Website, die über den Cluster und seine Arbeit informiert.",
        "A reachable website that informs about the cluster and its work.",
    ),
]


def add_criteria(apps, schema_editor):
    criterion = apps.get_model("accounts", "ValidationCriterion")
    for position, (code, name_de, name_en, description_de, description_en) in enumerate(CRITERIA):
        criterion.objects.update_or_create(
            code=code,
            defaults={
                "name_de": name_de,
                "name_en": name_en,
                "description_de": description_de,
                "description_en": description_en,
                "position": position,
            },
        )


def remove_criteria(apps, schema_editor):
    apps.get_model("accounts", "ValidationCriterion").objects.filter(
        code__in=[row[0] for row in CRITERIA]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_accounts_trust")]

    operations = [migrations.RunPython(add_criteria, remove_criteria)]
