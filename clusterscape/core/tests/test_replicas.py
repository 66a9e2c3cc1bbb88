"""The database router with a real second database: two SQLite files, the second a copy of
the first standing in for a replica that has not yet received the latest writes. Run in a
separate process, because the databases are chosen when settings load."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clusterscape.core.routers import PrimaryReplicaRouter

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import sqlite3, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client

from clusterscape.core.routers import replica_reads
from clusterscape.registry.models import Country, Organisation
from clusterscape.search.queries import SearchParams, search
from clusterscape.search.services import index_organisation

primary, replica = sys.argv[1], sys.argv[2]
call_command("migrate", verbosity=0)
connections.close_all()
# "replication" up to this point: the replica is a copy of the primary
with sqlite3.connect(primary) as source, sqlite3.connect(replica) as target:
    source.backup(target)

germany = Country.objects.get(code="DE")
new = Organisation.objects.create(
    slug="new-cluster", name="Quasarwerk Cluster", kind="cluster", status="published",
    country=germany,
)
index_organisation(new)
print("command reads primary:", Organisation.objects.filter(slug="new-cluster").exists())
print("search reads primary:", [hit.slug for hit in search(SearchParams(q="Quasarwerk")).hits])
with replica_reads():
    print("public read from replica:", Organisation.objects.filter(slug="new-cluster").exists())
    print("search on replica:", [hit.slug for hit in search(SearchParams(q="Quasarwerk")).hits])
    with transaction.atomic():
        print("read in transaction:", Organisation.objects.filter(slug="new-cluster").exists())
    Organisation.objects.create(
        slug="written-here", name="Written Here", kind="cluster", status="published",
        country=germany,
    )
    print("read after own write:", Organisation.objects.filter(slug="written-here").exists())

def finds(client, url):
    response = client.get(url)
    return response.status_code, "new-cluster" in response.content.decode(), \
        "read_primary" in response.cookies

visitor = Client()
print("GET search page:", finds(visitor, "/en/search/?q=Quasarwerk"))
print("GET search API:", finds(visitor, "/api/v1/search?q=Quasarwerk"))
print("GET profile:", visitor.get("/en/clusters/new-cluster/").status_code)
posted = visitor.post("/en/clusters/new-cluster/correction/", {"message": "Moved to Jena."})
print("POST correction:", posted.status_code, posted.cookies["read_primary"]["max-age"])
print("GET after own write:", visitor.get("/en/clusters/new-cluster/").status_code)
print("search after own write:", finds(visitor, "/en/search/?q=Quasarwerk"))
print("API search after own write:", finds(visitor, "/api/v1/search?q=Quasarwerk"))
print("GET of another visitor:", Client().get("/en/clusters/new-cluster/").status_code)

from clusterscape.accounts.models import User
member = Client()
member.force_login(User.objects.create_user("reader", "reader@example.org", "a-long-pass-9"))
print("signed-in GET profile:", member.get("/en/clusters/new-cluster/").status_code)
print("signed-in search:", finds(member, "/en/search/?q=Quasarwerk"))
token_client = Client(HTTP_AUTHORIZATION="Bearer not-a-real-token")
profile = token_client.get("/api/v1/organisations/new-cluster")
print("token client GET API profile:", profile.status_code)
print("anonymous GET API profile:", Client().get("/api/v1/organisations/new-cluster").status_code)
"""


@pytest.mark.integration
def test_public_reads_and_search_go_to_the_replica_and_own_writes_are_read_from_the_primary(
    tmp_path,
):
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clusterscape.settings",
        "DEBUG": "0",
        "SECRET_KEY": "replica-test",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
        "REQUEST_LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite:///{primary}",
        "DATABASE_REPLICA_URLS": f"sqlite:///{replica}",
        "DATABASE_REPLICA_PIN_SECONDS": "7",
    }
    env.pop("REDIS_URL", None)

    result = subprocess.run(  # noqa: S603 - our own script with the running interpreter
        [sys.executable, "-c", SCRIPT, str(primary), str(replica)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "command reads primary: True",
        "search reads primary: ['new-cluster']",
        "public read from replica: False",
        "search on replica: []",
        "read in transaction: True",
        "read after own write: True",
        "GET search page: (200, False, False)",
        "GET search API: (200, False, False)",
        "GET profile: 404",
        "POST correction: 302 7",
        "GET after own write: 200",
        "search after own write: (200, True, False)",
        "API search after own write: (200, True, False)",
        "GET of another visitor: 404",
        "signed-in GET profile: 200",
        "signed-in search: (200, False, False)",
        "token client GET API profile: 200",
        "anonymous GET API profile: 404",
    ]


@pytest.mark.unit
def test_router_without_replicas_reads_and_writes_the_primary():
    router = PrimaryReplicaRouter()

    assert (router.db_for_read(object), router.db_for_write(object)) == ("default", "default")
    assert router.allow_migrate("default", "registry") is True
    assert router.allow_migrate("replica1", "registry") is False
