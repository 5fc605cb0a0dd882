"""The benchmark dataset: N tickets with ~3 messages and ~2 events each, loaded with COPY.

Reference data (organisations, contacts, agents, teams) goes through the ORM so it follows the
models. The big tables are generated as COPY text by two processes (this machine has two cores)
while their non-unique indexes are dropped; the indexes are then recreated from their own
definitions (read from pg_indexes, so a new index in models.py is covered without editing this).
A marker table records what was loaded, so a second run reuses it instead of reseeding.
"""
import io
import multiprocessing
import os
import sys
import threading
import time

from django.core.management import call_command
from django.db import connection, connections, transaction

import bench
from bench import rows

MARKER = "bench_dataset"
SEED_VERSION = 2  # bump when the generator changes: an older dataset is then reseeded
PARTS = 2
CHUNK = 25_000  # tickets per COPY batch: ~75k message rows, ~50k event rows


def dataset() -> dict | None:
    """What the marker says was loaded into this database, or None."""
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass(%s)", [MARKER])
        if cur.fetchone()[0] is None:
            return None
        cur.execute(f"SELECT tickets, messages, events, seconds, seeded_at, big_tickets, version FROM {MARKER}")
        row = cur.fetchone()
    if row is None:
        return None
    keys = ("tickets", "messages", "events", "seed_s", "seeded_at", "big_tickets", "version")
    return dict(zip(keys, row))


def ensure(scale: int) -> dict:
    """The dataset of at least `scale` tickets: the one already loaded, or a fresh one."""
    found = dataset()
    if found and found["tickets"] >= scale and found["version"] == SEED_VERSION:
        return {**found, "reused": True}
    # A partial or older dataset (no marker, fewer tickets, older generator) is thrown away whole:
    # a fresh database has exactly the indexes and sequences the migrations define.
    connections.close_all()
    bench.create_database(os.environ["DATABASE_URL"], recreate=True)
    call_command("migrate", verbosity=0, interactive=False)
    load(scale)
    return {**dataset(), "reused": False}


def load(scale: int):
    from tickets.models import Message, Ticket, TicketEvent

    started = time.monotonic()
    ref = rows.reference_data()
    models = (Ticket, Message, TicketEvent)
    indexes = _secondary_indexes([m._meta.db_table for m in models])
    with connection.cursor() as cur:
        for name, _ddl in indexes:
            cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    connections.close_all()  # each process opens its own connection after the fork

    generator = rows.Generator(ref, scale, now=int(time.time()))
    sys.stdout.flush()  # else the child would flush a copy of anything still buffered
    sys.stderr.flush()
    # One forked child loads the second half while this process loads the first (2 cores).
    child = multiprocessing.get_context("fork").Process(target=_load_part, args=(generator, models, 1))
    child.start()
    try:
        _load_part(generator, models, 0)
    finally:
        child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"seed: the loader process failed (exit code {child.exitcode})")
    loaded = time.monotonic()

    _build_indexes(indexes)
    indexed = time.monotonic()
    _finish(models, scale, started, generator.big_ids())
    # Progress goes to stderr: stdout carries only the one JSON line of figures.
    print(f"seed: {scale:,} tickets loaded in {loaded - started:.0f} s, indexes in {indexed - loaded:.0f} s, "
          f"vacuum/analyze in {time.monotonic() - indexed:.0f} s", file=sys.stderr, flush=True)


def _prepare_session(cur):
    """Bulk-load settings for this session only; the server's configuration is left alone."""
    cur.execute("SET synchronous_commit = off")
    try:
        # Generated rows are consistent by construction, so the per-row FK trigger checks are
        # pure cost during COPY. Needs a superuser; without one the checks simply run.
        cur.execute("SET session_replication_role = replica")
    except Exception:
        pass


def _load_part(generator, models, part):
    lo, hi = generator.scale * part // PARTS, generator.scale * (part + 1) // PARTS
    try:
        with connection.cursor() as cur:
            _prepare_session(cur)
            for start in range(lo, hi, CHUNK):
                buffers = [io.StringIO() for _ in models]
                generator.write(range(start, min(hi, start + CHUNK)), *buffers, seed=start)
                with transaction.atomic():
                    for model, buf, columns in zip(models, buffers, generator.columns):
                        _copy(cur, model, columns, buf)
    finally:
        connection.close()


def _copy(cur, model, columns, buf):
    """COPY the generated text; model columns the generator does not know get their defaults."""
    extra_cols, extra_text = rows.missing_column_defaults(model, columns, connection)
    if extra_cols:
        text = buf.getvalue().replace("\n", extra_text + "\n")
        buf = io.StringIO(text)
    buf.seek(0)
    cols = ", ".join(connection.ops.quote_name(c) for c in (*columns, *extra_cols))
    cur.cursor.copy_expert(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({cols}) FROM STDIN", buf,
                           size=1 << 20)


def _secondary_indexes(tables) -> list:
    """(name, CREATE INDEX ...) of the non-unique indexes of `tables`; unique ones stay (they
    carry constraints), and the primary keys stay."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT x.indexname, x.indexdef
              FROM pg_indexes x
              JOIN pg_namespace n ON n.nspname = x.schemaname
              JOIN pg_class c ON c.relname = x.indexname AND c.relnamespace = n.oid
              JOIN pg_index i ON i.indexrelid = c.oid
             WHERE x.schemaname = current_schema() AND x.tablename = ANY(%s) AND NOT i.indisunique
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
             ORDER BY pg_relation_size(i.indrelid) DESC, x.indexname
            """,
            [list(tables)],
        )
        return cur.fetchall()


def _build_indexes(indexes):
    """Recreate the dropped indexes exactly, two at a time (one connection per thread)."""
    pending = list(indexes)
    lock = threading.Lock()
    errors = []

    def worker():
        try:
            with connection.cursor() as cur:
                cur.execute("SET maintenance_work_mem = '512MB'")
                while True:
                    with lock:
                        if not pending:
                            return
                        _name, ddl = pending.pop(0)
                    cur.execute(ddl)
        except Exception as exc:  # re-raised below, in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(PARTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _finish(models, scale, started, big_ids):
    from tickets.models import Ticket

    table = Ticket._meta.db_table
    with connection.cursor() as cur:
        # Explicit ids and numbers were loaded: move the sequences past them.
        cur.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {table}))", [table])
        cur.execute(f"SELECT setval('tickets_ticket_number_seq', (SELECT max(number) FROM {table}))")
        # VACUUM sets hint bits and the visibility map (index-only scans), as autovacuum would
        # have on a real table; ANALYZE gives the planner the new statistics.
        for model in models:
            cur.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
        cur.execute("ANALYZE")
        counts = []
        for model in models[1:]:
            cur.execute(f"SELECT count(*) FROM {connection.ops.quote_name(model._meta.db_table)}")
            counts.append(cur.fetchone()[0])
        cur.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (tickets bigint, messages bigint, events bigint, "
                    "seconds double precision, seeded_at timestamptz DEFAULT now(), big_tickets bigint[], version int)")
        cur.execute(f"DELETE FROM {MARKER}")
        cur.execute(f"INSERT INTO {MARKER} (tickets, messages, events, seconds, big_tickets, version) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    [scale, *counts, round(time.monotonic() - started, 1), big_ids, SEED_VERSION])
