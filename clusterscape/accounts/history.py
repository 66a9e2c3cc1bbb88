"""Version history: every service that writes an organisation, a content item or a funding
record calls `record_version` in its transaction, so nothing is lost by an edit."""

import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import User, Version


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Every field's value (many-to-many as lists of keys), JSON-ready."""
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
