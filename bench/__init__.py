"""Benchmarks behind `make bench`: `python -m bench <workload>|all [--scale N]`.

This module is plumbing that must work before Django is set up: which database the benchmarks
use and how to create it. The large dataset lives in its own database on the server of
DATABASE_URL (never in the demo's), named by $BENCH_DB (default `poshtiban_bench`).
"""
import os
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SCALE = 1_000_000
DEFAULT_DB = "poshtiban_bench"


def default_scale() -> int:
    # BENCH_SCALE makes a quick `make bench` possible without editing anything.
    return int(os.environ.get("BENCH_SCALE") or DEFAULT_SCALE)


def with_database(url: str, name: str) -> str:
    """The same server (host, unix-socket path, port, user, options), another database."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _server_params(url: str) -> dict:
    import dj_database_url

    cfg = dj_database_url.parse(url)
    params = {"host": cfg.get("HOST"), "port": cfg.get("PORT"), "user": cfg.get("USER"), "password": cfg.get("PASSWORD")}
    return {key: value for key, value in params.items() if value}


def create_database(url: str, *, recreate: bool = False) -> None:
    """Create the database of `url` if missing; with recreate, drop it first (a clean reseed).

    Connects to the server's `postgres` maintenance database, since the target may not exist.
    """
    import psycopg2
    from psycopg2 import sql

    name = urlsplit(url).path.lstrip("/")
    conn = psycopg2.connect(dbname="postgres", **_server_params(url))
    conn.autocommit = True  # CREATE/DROP DATABASE cannot run inside a transaction
    try:
        with conn.cursor() as cur:
            if recreate:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()
