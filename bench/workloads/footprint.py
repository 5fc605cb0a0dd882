"""`footprint`: memory of the whole stack, idle: web (gunicorn, 2 workers), a Celery worker
(concurrency 2), beat, PostgreSQL and Redis. The app runs against the DEMO database (the
original DATABASE_URL), as it would in production; every process started here is stopped here.

Memory is PSS (proportional set size) summed over each process tree: a page shared by N
processes (PostgreSQL's shared buffers, pages a forked worker shares with its parent) counts
1/N in each, so the sum is what the stack really occupies. Plain RSS sums count shared pages
once per process; their total is reported too, as `rss_total_mb`, for comparison.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.static import build_static

GOALS = {"total_mb": ("<", 1024, "MB")}
IDLE_SECONDS = 10
BASE_DIR = Path(__file__).resolve().parents[2]


def _children():
    kids = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])  # the name may contain spaces or ")"
            kids.setdefault(ppid, []).append(int(entry))
    return kids


def _tree(pid, kids, excluded=()):
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        if current not in excluded:
            pids.append(current)
            todo += kids.get(current, [])
    return pids


def _memory_kb(pid):
    """(pss, rss) in kB; smaps_rollup needs the right to read the process (root, or same user)."""
    values = {}
    for name in ("smaps_rollup", "status"):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                key, _, rest = line.partition(":")
                if key in ("Pss", "VmRSS", "Rss"):
                    values.setdefault(key, int(rest.split()[0]))
        except OSError:
            pass
    rss = values.get("VmRSS", values.get("Rss", 0))
    return values.get("Pss", rss), rss


def _tree_mb(pid, kids, excluded=()):
    if pid is None:
        return None, None
    pss = rss = 0
    for member in _tree(pid, kids, excluded):
        p, r = _memory_kb(member)
        pss, rss = pss + p, rss + r
    return round(pss / 1024, 1), round(rss / 1024, 1)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres(demo_url):
    """(postmaster pid, pids to leave out), or (None, ()) when the server is not on this machine.

    The postmaster is the parent of our own backend. Client backends of OTHER databases on the
    same server are left out (a shared development server is not this app's footprint), and so
    is the backend of this measuring connection.
    """
    import dj_database_url
    import psycopg2

    cfg = dj_database_url.parse(demo_url)
    params = {"dbname": cfg["NAME"], "host": cfg.get("HOST"), "port": cfg.get("PORT"), "user": cfg.get("USER"),
              "password": cfg.get("PASSWORD")}
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            backend = cur.fetchone()[0]
            cur.execute("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' "
                        "AND (datname IS DISTINCT FROM current_database() OR pid = pg_backend_pid())")
            excluded = {row[0] for row in cur.fetchall()}
        try:
            cmdline = Path(f"/proc/{backend}/cmdline").read_bytes()
            stat = Path(f"/proc/{backend}/stat").read_text()
        except OSError:
            return None, ()
        if b"postgres" not in cmdline:
            return None, ()
        return int(stat.rsplit(")", 1)[1].split()[1]), excluded
    finally:
        conn.close()


def _redis(redis_url):
    """(pid of the local redis-server or None, INFO's used_memory_rss in MB)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        pid = client.info("server").get("process_id")
        rss = client.info("memory").get("used_memory_rss", 0) / 1024 / 1024
    finally:
        client.close()
    try:
        local = b"redis" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        local = False
    return (pid if local else None), round(rss, 1)


def _start(argv, env, log):
    return subprocess.Popen(argv, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(procs):
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _warm(base_url):
    """Wait until web answers, then exercise each worker a little (an idle production server has
    served requests). Returns the status of each path, reported so a broken page is visible."""
    import urllib.error

    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base_url + "/healthz", timeout=2)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 s") from None
            time.sleep(0.3)
    statuses = {}
    for path in ("/healthz", "/login/") * 5:
        try:
            statuses[path] = urllib.request.urlopen(base_url + path, timeout=10).status
        except urllib.error.HTTPError as exc:
            statuses[path] = exc.code
        except OSError as exc:
            statuses[path] = type(exc).__name__
    return " ".join(f"{path}={status}" for path, status in statuses.items())


def run(scale: int) -> dict:
    from django.db import connections

    connections.close_all()  # this process's own backend is not part of the app's footprint
    demo_url = os.environ["BENCH_DEMO_DATABASE_URL"]
    env = {**os.environ, "DATABASE_URL": demo_url, "DEBUG": "0", "SECURE_SSL_REDIRECT": "0",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING"}
    for name in ("CELERY_TASK_ALWAYS_EAGER", "EMAIL_BACKEND", "BENCH_DEMO_DATABASE_URL"):
        env.pop(name, None)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="bench-footprint-") as tmp:
        # DEBUG off: pages name hashed assets, which only a collectstatic's manifest knows.
        _overrides, static_env, static_note = build_static(str(Path(tmp) / "static"))
        env.update(static_env)
        log = open(Path(tmp) / "stack.log", "wb")
        py = sys.executable
        procs = {}
        try:
            procs["web"] = _start([py, "-m", "gunicorn", "helpdesk.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"], env, log)
            procs["worker"] = _start([py, "-m", "celery", "-A", "helpdesk", "worker", "--concurrency", "2", "-l", "WARNING",
                                      "-n", f"bench-{port}@%h"], env, log)
            procs["beat"] = _start([py, "-m", "celery", "-A", "helpdesk", "beat", "-l", "WARNING",
                                    "-s", str(Path(tmp) / "beat-schedule")], env, log)
            try:
                warm_status = _warm(f"http://127.0.0.1:{port}")
            except RuntimeError as exc:
                log.flush()
                raise RuntimeError(f"{exc}:\n" + (Path(tmp) / "stack.log").read_text()[-2000:]) from None
            time.sleep(IDLE_SECONDS)
            dead = [name for name, proc in procs.items() if proc.poll() is not None]
            if dead:
                log.flush()
                raise RuntimeError(f"{', '.join(dead)} exited early:\n" + (Path(tmp) / "stack.log").read_text()[-3000:])
            kids = _children()
            figures, rss_total = {}, 0.0
            for name, proc in procs.items():
                figures[f"{name}_mb"], rss = _tree_mb(proc.pid, kids)
                rss_total += rss
            postmaster, excluded = _postgres(demo_url)
            postgres_mb, rss = _tree_mb(postmaster, kids, excluded)
            rss_total += rss or 0
            redis_pid, redis_info_mb = _redis(os.environ["REDIS_URL"])
            redis_mb, rss = _tree_mb(redis_pid, kids) if redis_pid else (redis_info_mb, redis_info_mb)
            rss_total += rss or 0
        finally:
            _stop(list(procs.values()))
            log.close()
    figures.update(postgres_mb=postgres_mb, redis_mb=redis_mb)
    figures["total_mb"] = round(sum(v for v in figures.values() if v is not None), 1)
    figures["rss_total_mb"] = round(rss_total, 1)
    figures["metric"] = "pss"
    figures["warm_up_http"] = warm_status
    if static_note:
        figures["static"] = static_note
    return figures
