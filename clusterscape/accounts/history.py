"""Version history: every service that writes an organisation, a content item or a funding
record calls `record_version` in its transaction, so nothing is lost by an edit."""

import json
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import User, Version

# Models whose versions keep a richer form than their own columns, by "app_label.model":
# organisations keep their whole record (competences, programmes, sources included), so an
# earlier version can be restored through the registry's record service.
SNAPSHOTS: dict[str, Callable[[models.Model], dict[str, Any]]] = {}
RESTORERS: dict[str, Callable[..., models.Model]] = {}


def register_snapshot(model_label: str, function: Callable[[models.Model], dict[str, Any]]):
    SNAPSHOTS[model_label] = function


def register_restorer(model_label: str, function: Callable[..., models.Model]) -> None:
    """`function(data, *, by)` writes the version's data back through the owning service."""
    RESTORERS[model_label] = function


def _organisation_record(instance: models.Model) -> dict[str, Any]:
    from clusterscape.registry.records import record_from_organisation

    return record_from_organisation(instance)


def _restore_organisation(data: dict[str, Any], *, by: User | None) -> models.Model:
    from clusterscape.registry import services as registry_services

    organisation, _outcome = registry_services.save_organisation_record(
        data, by=by, action=Version.Action.RESTORE
    )
    return organisation


register_snapshot("registry.organisation", _organisation_record)
register_restorer("registry.organisation", _restore_organisation)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Every field's value (many-to-many as lists of keys), JSON-ready."""
    special = SNAPSHOTS.get(instance._meta.label_lower)
    if special is not None:
        return json.loads(json.dumps(special(instance), cls=DjangoJSONEncoder))
    (serialised,) = serializers.serialize("python", [instance])
    data = dict(serialised["fields"])
    for name, value in data.items():
        if isinstance(value, list):
            data[name] = sorted(value, key=str)
    # Dates, decimals and UUIDs as the JSON column will hold them, so versions compare alike.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record_version(
    instance: models.Model,
    *,
    by: User | None,
    action: str = Version.Action.UPDATE,
    comment: str = "",
) -> Version:
    """Keep the instance's current state as a new version (call after saving it, many-to-many
    relations included). Records which fields changed since the previous version."""
    content_type = ContentType.objects.get_for_model(instance)
    data = snapshot(instance)
    previous = (
        Version.objects.filter(content_type=content_type, object_id=str(instance.pk))
        .order_by("-changed_at", "-pk")
        .first()
    )
    changed = sorted(
        name
        for name in set(data) | set(previous.data if previous else {})
        if previous is None or previous.data.get(name) != data.get(name)
    )
    return Version.objects.create(
        content_type=content_type,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        action=action,
        data=data,
        changed_fields=changed,
        changed_by=by if by is not None and by.is_authenticated else None,
        comment=comment[:255],
    )


def versions_of(instance: models.Model) -> models.QuerySet[Version]:
    """The versions of a record, newest first."""
    return Version.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    ).select_related("changed_by")


def diff(version: Version) -> list[tuple[str, Any, Any]]:
    """The changed fields of a version with the value before and after."""
    previous = (
        Version.objects.filter(
            content_type=version.content_type,
            object_id=version.object_id,
        )
        .filter(
            models.Q(changed_at__lt=version.changed_at)
            | models.Q(changed_at=version.changed_at, pk__lt=version.pk)
        )
        .order_by("-changed_at", "-pk")
        .first()
    )
    before = previous.data if previous else {}
    return [(name, before.get(name), version.data.get(name)) for name in version.changed_fields]


def can_restore(version: Version) -> bool:
    return version.content_type.app_label + "." + version.content_type.model in RESTORERS


def restore_version(version: Version, *, by: User | None) -> models.Model:
    """Write an earlier version back through the owning app's service (a new version records
    the restore, so the restore itself can be undone)."""
    label = f"{version.content_type.app_label}.{version.content_type.model}"
    restorer = RESTORERS.get(label)
    if restorer is None:
        raise ValueError(f"versions of {label} cannot be restored")
    return restorer(dict(version.data), by=by)


def ensure_baseline(instance: models.Model) -> Version | None:
    """Keep the state of a record that has no version yet (one made before versions were
    kept, or by a bulk load), before a service changes it: so the first edit loses nothing."""
    content_type = ContentType.objects.get_for_model(instance)
    if Version.objects.filter(content_type=content_type, object_id=str(instance.pk)).exists():
        return None
    return record_version(
        instance, by=None, action=Version.Action.CREATE, comment="state before the first change"
    )
