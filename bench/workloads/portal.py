"""`portal`: the customer portal over the large dataset, as the admin of the largest organisation
(she sees all of its tickets: the heaviest list a customer can ask for).

- list_p95_ms / ticket_p95_ms: whole requests through Django's test client (middleware, session,
  template), server side: the first page of /portal/ and deeper pages by cursor; ticket pages of
  the organisation's tickets, including ones with hundreds of messages if it has any.
- req_per_s: /portal/ under gunicorn (2 workers) on 127.0.0.1 driven by `wrk` for ~10 s with the
  session cookie of that customer. Skipped, with the reason, when wrk is not installed (Debian:
  apt-get install wrk); this workload installs nothing.
"""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import seed
from bench.static import build_static

GOALS = {"list_p95_ms": ("<", 30, "ms"), "ticket_p95_ms": ("<", 30, "ms"), "req_per_s": (">=", 300, "/s")}
REPEATS = 40
DEEP_PAGES = 20
TICKETS = 40
WRK_SECONDS = 10
BASE_DIR = Path(__file__).resolve().parents[2]


def _p(values, pct):
    return round(statistics.quantiles(values, n=100, method="inclusive")[pct - 1], 2) if len(values) > 1 else round(values[0], 2)


def _org_admin():
    """The login of a contact of the organisation with most tickets, made its org admin. The only
    write here: reference data the seed does not create (seeded contacts have no logins)."""
    from django.db.models import Count

    from customers.models import Contact, Role, User
    from tickets.models import Ticket

    org_id = Ticket.objects.values("organization").annotate(n=Count("id")).order_by("-n")[0]["organization"]
    user = User.objects.filter(username=f"bench_customer_{org_id}").first()
    if user is None:
        user = User.objects.create_user(username=f"bench_customer_{org_id}", role=Role.CUSTOMER, language="fa")
        contact = Contact.objects.filter(organization_id=org_id, user__isnull=True).order_by("pk").first()
        contact.user, contact.is_org_admin = user, True
        contact.save(update_fields=["user", "is_org_admin"])
    return user, org_id


def _timed(client, url):
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed, response


def _server_side(user, org_id):
    from django.test import Client

    from tickets.models import Ticket

    client = Client()
    client.force_login(user)
    _timed(client, "/portal/")  # warm-up: connection, caches, templates
    lists = [_timed(client, "/portal/")[0] for _ in range(REPEATS)]
    cursor, pages = None, 0
    while pages < DEEP_PAGES:
        ms, response = _timed(client, "/portal/" + (f"?cursor={cursor}" if cursor else ""))
        lists.append(ms)
        found = re.search(r"cursor=([\w-]+)", response.content.decode())
        if not found:
            break
        cursor, pages = found.group(1), pages + 1
    numbers = list(Ticket.objects.filter(organization_id=org_id).order_by("-id").values_list("number", flat=True)[:TICKETS])
    busiest = list(Ticket.objects.filter(organization_id=org_id, pk__in=seed.dataset()["big_tickets"] or [])
                   .values_list("number", flat=True))
    tickets = [_timed(client, f"/portal/tickets/{n}/")[0] for n in numbers + busiest]
    return lists, tickets, pages, len(busiest), client.cookies["sessionid"].value


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _throughput(session_key, static_env):
    """Requests per second of /portal/ under gunicorn, measured by wrk; None and a reason if not."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None, "wrk is not installed (apt-get install wrk)"
    from django.db import connections

    connections.close_all()
    env = {**os.environ, "DEBUG": "0", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0",
           "CSRF_COOKIE_SECURE": "0", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING", **static_env}
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        web = subprocess.Popen([sys.executable, "-m", "gunicorn", "helpdesk.wsgi", "--workers", "2",
                                "--bind", f"127.0.0.1:{port}"], cwd=BASE_DIR, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline or web.poll() is not None:
                        return None, "gunicorn did not start: " + _last_error(log)
                    time.sleep(0.3)
            probe = urllib.request.Request(base + "/portal/", headers={"Cookie": f"sessionid={session_key}"})
            opener = urllib.request.build_opener(_NoRedirect)
            try:
                status = opener.open(probe, timeout=10).status
            except urllib.error.HTTPError as exc:
                status = exc.code
            if status != 200:  # wrk counts redirects as success: a login redirect is not the page
                return None, f"/portal/ answered {status} for the benchmark session, not 200 ({_last_error(log)})"
            out = subprocess.run([wrk, "-t2", "-c8", f"-d{WRK_SECONDS}s", "-H", f"Cookie: sessionid={session_key}",
                                  base + "/portal/"], capture_output=True, text=True, timeout=WRK_SECONDS + 30).stdout
        finally:
            os.killpg(web.pid, 15)
            web.wait(15)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if rate is None:
        return None, "wrk printed no rate: " + out[-300:]
    if bad:
        return None, f"{bad.group(1)} responses were not 2xx/3xx: not a valid measurement"
    return round(float(rate.group(1)), 1), None


def _last_error(log):
    """The last line gunicorn logged (a traceback's exception line): one line, since the reason
    lands in a BENCHMARKS.md table cell."""
    log.seek(0)
    lines = [line.strip() for line in log.read().decode(errors="replace").splitlines() if line.strip()]
    return lines[-1][:300].replace("|", "/") if lines else "nothing logged"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def run(scale: int) -> dict:
    from django.test.utils import override_settings

    info = seed.ensure(scale)
    user, org_id = _org_admin()
    with tempfile.TemporaryDirectory(prefix="bench-portal-static-") as static_root:
        overrides, static_env, static_note = build_static(static_root)
        # The test client speaks plain HTTP to "testserver"; production settings would redirect it.
        with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, **overrides):
            lists, tickets, pages, big, session_key = _server_side(user, org_id)
        rate, reason = _throughput(session_key, static_env)
    figures = {
        "list_p50_ms": _p(lists, 50), "list_p95_ms": _p(lists, 95), "ticket_p50_ms": _p(tickets, 50),
        "ticket_p95_ms": _p(tickets, 95), "ticket_max_ms": round(max(tickets), 2), "list_pages": pages + 1,
        "big_tickets_opened": big, "req_per_s": rate, "dataset_tickets": info["tickets"], "cpus": os.cpu_count(),
    }
    if reason:
        figures["req_per_s_skipped"] = reason
    if static_note:
        figures["static"] = static_note
    return figures
