"""Process launcher behind `make run` and `make test`.

    python -m helpdesk.launch run            # embedded services + web + worker + beat + smtp
    python -m helpdesk.launch exec -- CMD    # embedded services, then CMD with DATABASE_URL/REDIS_URL set

One parent owns every child: Ctrl-C (SIGINT) or SIGTERM stops them all, then the embedded
PostgreSQL and Redis. Each child runs in its own process group so a stuck one can be killed
without touching the others.
"""
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpdesk.embedded import start_services

BASE_DIR = Path(__file__).resolve().parent.parent
log = logging.getLogger("poshtiban.launch")


def _python(*args):
    return [sys.executable, *args]


def _stop(children, stoppers):
    """SIGTERM every child's process group, give them 10 s together, then SIGKILL what is left."""
    for name, proc in children:
        _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for name, proc in children:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in time; killing it", name)
            _signal_group(proc, signal.SIGKILL)
            proc.wait(5)
    for stopper in reversed(stoppers):
        stopper.stop()


def _signal_group(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _setup_env(var_dir):
    env_updates, stoppers = start_services(var_dir)
    os.environ.update(env_updates)
    os.environ.setdefault("POSHTIBAN_VAR_DIR", str(var_dir))
    return stoppers


def cmd_exec(argv):
    var_dir = Path(os.environ.get("POSHTIBAN_VAR_DIR", BASE_DIR / "var"))
    stoppers = _setup_env(var_dir)
    try:
        return subprocess.call(argv)
    except KeyboardInterrupt:
        return 130
    finally:
        for stopper in reversed(stoppers):
            stopper.stop()


def cmd_run():
    var_dir = Path(os.environ.get("POSHTIBAN_VAR_DIR", BASE_DIR / "var"))
    os.environ.setdefault("DEBUG", "1")
    # Demo mail goes to files, not the console: the first SLA scan alone would flood the log.
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    os.environ.setdefault("EMAIL_FILE_PATH", str(var_dir / "mail"))
    started = time.monotonic()
    stoppers = _setup_env(var_dir)
    children = []
    try:
        manage = str(BASE_DIR / "manage.py")
        subprocess.check_call(_python(manage, "migrate", "--no-input", "-v", "0"))
        subprocess.check_call(_python(manage, "demo_data", "--if-empty"))
        host = os.environ.get("RUN_HOST", "127.0.0.1")
        port = os.environ.get("RUN_PORT", "8000")
        specs = [
            ("web", _python(manage, "runserver", "--noreload", f"{host}:{port}")),
            ("worker", _python("-m", "celery", "-A", "helpdesk", "worker", "-l", "INFO",
                               "--concurrency", "2", "-n", "worker@%h")),
            ("beat", _python("-m", "celery", "-A", "helpdesk", "beat", "-l", "INFO",
                             "-s", str(var_dir / "celerybeat-schedule"))),
            ("smtp", _python(manage, "smtp_intake", "--host", "127.0.0.1", "--port", os.environ.get("SMTP_PORT", "2525"))),
        ]
        for name, argv in specs:
            children.append((name, subprocess.Popen(argv, start_new_session=True)))
        _wait_for_http(f"http://{host}:{port}/login/")
        print(
            "\n  Poshtiban is running: http://%s:%s/   (ready in %.0f s; Ctrl-C stops everything)\n"
            "  Demo logins (password: demo12345)\n"
            "    agent    ali       -> /agent/\n"
            "    agent    sara      -> /agent/\n"
            "    manager  maryam    -> /manager/\n"
            "    customer reza      -> /portal/\n"
            "    customer john      -> /portal/\n"
            "    admin    admin     -> /agent/ and the back office at /admin/\n"
            "  Outgoing mail is written to %s\n"
            "  Send mail to support@... via SMTP 127.0.0.1:%s\n"
            % (host, port, time.monotonic() - started, os.environ.get("EMAIL_FILE_PATH", "the console"),
               os.environ.get("SMTP_PORT", "2525")),
            flush=True,
        )
        while True:
            for name, proc in children:
                if proc.poll() is not None:
                    log.error("%s exited with code %s; stopping everything", name, proc.returncode)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping Poshtiban ...", flush=True)
        return 0
    finally:
        _stop(children, stoppers)


def _wait_for_http(url, timeout=60):
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.3)
    log.warning("web server did not answer %s within %s s", url, timeout)


def main(argv):
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
                        datefmt="%H:%M:%S")
    # pgserver narrates every pg_ctl call at INFO; only its problems are worth reading.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    var_dir = Path(os.environ.get("POSHTIBAN_VAR_DIR", BASE_DIR / "var"))
    runtime = var_dir / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))  # pgserver keeps its lock file there
    # Ctrl-C and SIGTERM both stop everything. SIGINT is installed explicitly: a shell that
    # starts us in the background makes us inherit an ignored SIGINT otherwise.
    def interrupted(*_):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    if argv[:1] == ["run"]:
        return cmd_run()
    if argv[:1] == ["exec"]:
        rest = argv[1:]
        if rest[:1] == ["--"]:
            rest = rest[1:]
        if not rest:
            sys.exit("usage: python -m helpdesk.launch exec -- COMMAND [ARGS...]")
        return cmd_exec(rest)
    sys.exit("usage: python -m helpdesk.launch run | exec -- COMMAND")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
