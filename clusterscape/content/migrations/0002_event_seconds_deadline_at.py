"""Indexes for the lists that start now: how long each event lasts (the longest event bounds
how far back an event still running can have started, so upcoming events walk the start
index from there, not from the first event ever), and deadlines by time (calls closing
soon are found from their deadlines in the window)."""

from django.db import migrations, models

import clusterscape.content.models


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="calldeadline",
            index=models.Index(fields=["deadline_at", "call"], name="content_deadline_at"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                clusterscape.content.models.EventSeconds(), name="content_event_seconds"
            ),
        ),
    ]
