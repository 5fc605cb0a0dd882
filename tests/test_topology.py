"""The production topology for real: gunicorn serving with DEBUG off, and a real Celery worker
process taking a notification off Redis and sending the mail. Nothing here is mocked."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from helpdesk.celery import app
from tickets import services

BASE = Path(__file__).resolve().parent.parent


def child_env(tmp_path, **extra):
    db = connection.settings_dict
    host = db["HOST"] or ""
    from urllib.parse import quote

    url = f"postgres://{db['USER']}@{quote(host, safe='')}{':' + str(db['PORT']) if db['PORT'] else ''}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**env, "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": "topology-test-secret-key-0123456789abcdefghij",
           "SECURE_SSL_REDIRECT": "0", "CELERY_TASK_ALWAYS_EAGER": "0", **extra}
    return env


def wait_for(predicate, timeout=40, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def real_worker(tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = child_env(tmp_path, CELERY_QUEUE=queue, EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                    EMAIL_FILE_PATH=str(mail_dir))
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "-Q", queue, "-c", "1",
                             "-l", "WARNING", "--without-gossip", "--without-mingle", "-n", f"{queue}@%h"],
                            cwd=BASE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield mail_dir
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old
        proc.terminate()
        out = proc.communicate(timeout=20)[0].decode(errors="replace")
        if "Traceback" in out:
            print(out)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_emails_the_customer_after_an_agent_reply(real_worker, customer_reza, agent_ali, support_team):
    ticket = services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject="Worker check",
                                    body="Does the worker deliver?", team=support_team)
    services.ticket_reply(ticket, actor=agent_ali, body="Yes, through Redis and a real worker.")
    wait_for(lambda: len(list(real_worker.glob("*.log"))) >= 2, what="two emails written by the worker")
    text = "\n".join(p.read_text() for p in real_worker.glob("*.log"))
    assert f"[#{ticket.number}]" in text and "through Redis and a real worker" in text


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_login_page_with_debug_off_and_static_from_whitenoise(tmp_path):
    static_root = tmp_path / "static"
    env = child_env(tmp_path, STATIC_ROOT=str(static_root), ALLOWED_HOSTS="127.0.0.1")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=BASE, env=env, check=True)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "helpdesk.wsgi:application", "-b", f"127.0.0.1:{port}",
                             "-w", "1"], cwd=BASE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def up():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200
            except OSError:
                return False
        wait_for(up, what="gunicorn")
        html = urllib.request.urlopen(f"http://127.0.0.1:{port}/login/").read().decode()
        assert 'dir="rtl"' in html
        css = html.split('href="/static/vendor/bootstrap/')[1].split('"')[0]
        assert ".rtl.min." in css and css != "bootstrap.rtl.min.css"  # hashed name from the manifest
        response = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/vendor/bootstrap/{css}")
        assert response.status == 200 and "max-age" in response.headers["Cache-Control"]
    finally:
        proc.terminate()
        proc.wait(10)
