"""gunicorn settings for clusterscape, every value from the environment (see the README).

    gunicorn -c gunicorn.conf.py clusterscape.wsgi

Worker model: by default cores + 1 processes (`gthread` workers when GUNICORN_THREADS >
1). The app is mostly CPU-bound Python rendering around short database queries, so
processes scale across cores; threads help when many requests wait on the database or
Redis. One process more than cores keeps every core busy while a worker waits for the
database; more only take turns on the cores: on 2 cores with PostgreSQL beside them
(2026-12-06, 20,000 organisations and 1,000,000 content items, 8 connections), 3 workers
answered the uncached search API at 138–146 requests/s with p95 71 ms, 5 at 130–132 with
p95 88; the uncached directory 206–209 against 187–198; cached pages alike (1,100–1,180).
Where the database runs on other machines and requests wait longer on it, raise
GUNICORN_WORKERS. Keep a reverse proxy (nginx, a load balancer) in front of it in
production: it buffers slow clients and terminates TLS.
"""

import gc
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{_int('PORT', 8000)}"
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes longer than this is killed and its worker replaced (the database's
# statement timeout, DATABASE_STATEMENT_TIMEOUT_MS, ends slow queries well before).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Replace each worker after about this many requests, so a slow leak cannot grow forever.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Import Django once in the master and fork the workers from it (less memory, fast start).
preload_app = True
# The app writes its own structured request log; gunicorn's access log only on request.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "clusterscape"
# Only trust X-Forwarded-* from these addresses (the load balancer or proxy).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_fork(server, worker) -> None:
    """In the master, before each worker is forked: what importing the app made (modules,
    URL patterns, templates, translations) lives as long as the worker and never changes, so
    the garbage collector leaves it out of its passes (each full pass then walks only what
    the worker itself made, and the pages stay shared between the workers)."""
    gc.freeze()


def post_fork(server, worker) -> None:
    """In each worker, after the fork: the search's analyzer is read from the database
    before the first request (clusterscape.core.warmup; the master loaded the code)."""
    from clusterscape.core import warmup

    warmup.load_search_analyzer()
