import json
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import override_settings

GUNICORN_CONF = Path(settings.BASE_DIR) / "gunicorn.conf.py"


@pytest.mark.integration
def test_collectstatic_writes_hashed_and_compressed_files(tmp_path):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "clusterscape.core.staticfiles.CompressedHashedStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        manifest = json.loads((tmp_path / "staticfiles.json").read_text())
        hashed = manifest["paths"]["core/site.css"]
        assert static("core/site.css") == f"/static/{hashed}"
    assert hashed.startswith("core/site.")
    assert hashed != "core/site.css"
    assert (tmp_path / hashed).read_bytes() == (tmp_path / "core/site.css").read_bytes()
    assert (tmp_path / f"{hashed}.gz").is_file()


@pytest.mark.unit
def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "12")
    config = runpy.run_path(str(GUNICORN_CONF))
    assert (config["bind"], config["workers"], config["threads"]) == ("0.0.0.0:9000", 3, 4)
    assert (config["worker_class"], config["timeout"]) == ("gthread", 12)


@pytest.mark.unit
def test_gunicorn_config_defaults_to_sync_workers_on_loopback(monkeypatch):
    for name in ("GUNICORN_BIND", "PORT", "GUNICORN_WORKERS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)
    config = runpy.run_path(str(GUNICORN_CONF))
    assert (config["bind"], config["workers"], config["worker_class"]) == (
        "127.0.0.1:8000",
        3,
        "sync",
    )


@pytest.mark.unit
def test_gunicorn_config_rejects_a_worker_count_that_is_not_a_number(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "many")
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS must be a whole number"):
        runpy.run_path(str(GUNICORN_CONF))
