import json
import logging

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection

from clusterscape.core.logging import JsonFormatter, RequestIdFilter, request_id_var
from clusterscape.registry.tests.factories import OrganisationFactory
from clusterscape.settings import database

integration = pytest.mark.integration


def fail_every_query(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


@integration
def test_healthz_answers_without_database_and_for_any_host(client):
    response = client.get("/healthz", headers={"host": "10.0.0.5"})

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@integration
@pytest.mark.django_db
def test_readyz_reports_database_and_cache(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database:default": "ok", "cache": "ok"},
    }


@integration
@pytest.mark.django_db
def test_readyz_is_503_while_the_database_fails(client):
    with connection.execute_wrapper(fail_every_query):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {
            "database:default": "OperationalError: server closed the connection unexpectedly",
            "cache": "ok",
        },
    }


@integration
@pytest.mark.django_db
def test_readyz_is_503_while_the_cache_fails(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(cache, "set", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database:default": "ok",
        "cache": "ConnectionError: Connection refused",
    }


@integration
@pytest.mark.django_db
def test_pages_answer_503_while_the_database_is_down_and_recover_by_themselves(client):
    OrganisationFactory(slug="biorn", name="BioRN")

    with connection.execute_wrapper(fail_every_query):
        down = client.get("/en/clusters/biorn/")
    back = client.get("/en/clusters/biorn/")

    assert down.status_code == 503
    assert down["Retry-After"] == "5"
    assert "The database cannot be reached at the moment." in down.content.decode()
    assert back.status_code == 200
    assert "BioRN" in back.content.decode()


@integration
def test_every_response_carries_a_new_request_id(client):
    first = client.get("/robots.txt")
    second = client.get("/robots.txt")

    assert len(second["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


@integration
def test_well_formed_incoming_request_id_is_kept_and_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="clusterscape.request"):
        response = client.get("/robots.txt", headers={"X-Request-ID": "lb-4f2a9c01.7"})

    assert response["X-Request-ID"] == "lb-4f2a9c01.7"
    (record,) = [r for r in caplog.records if r.name == "clusterscape.request"]
    assert (record.getMessage(), record.status, record.path) == (
        "GET /robots.txt 200",
        200,
        "/robots.txt",
    )
    RequestIdFilter().filter(record)
    assert record.request_id == "lb-4f2a9c01.7"


@integration
@pytest.mark.parametrize("incoming", ["short", "has spaces in it", "x" * 129, "a\nforged-line"])
def test_malformed_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/robots.txt", headers={"X-Request-ID": incoming})

    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.unit
def test_json_log_line_has_request_id_and_extra_fields():
    record = logging.LogRecord("clusterscape.request", logging.INFO, "", 1, "GET %s", ("/",), None)
    record.status = 200
    token = request_id_var.set("abcdef123456")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)

    line = json.loads(JsonFormatter().format(record))

    assert {key: line[key] for key in ("level", "logger", "message", "status", "request_id")} == {
        "level": "INFO",
        "logger": "clusterscape.request",
        "message": "GET /",
        "status": 200,
        "request_id": "abcdef123456",
    }


@pytest.mark.unit
def test_postgres_url_gets_statement_timeout_and_health_checks():
    config = database("postgres://app@db.example:5432/clusterscape")

    assert config["OPTIONS"] == {
        "connect_timeout": 3,
        "options": f"-c jit=off -c statement_timeout={settings.DATABASE_STATEMENT_TIMEOUT_MS}",
    }
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (60, True)


@integration
@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_postgres_connection_runs_with_the_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting::int FROM pg_settings WHERE name = 'statement_timeout'")
        assert cursor.fetchone() == (settings.DATABASE_STATEMENT_TIMEOUT_MS,)
        # and without JIT, whose compiling costs more than a search with many matches
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'jit'")
        assert cursor.fetchone() == ("off",)
