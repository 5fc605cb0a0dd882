"""IMAP polling against a REAL dovecot: mail leaves the "new" set only after it is stored."""
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.tickets.email_builders import raw_email
from tickets import tasks_mail
from tickets.models import InboundEmail, Mailbox, Ticket
from tickets.services import mail_imap

DOVECOT = "/usr/sbin/dovecot"
PASSWORD = "imap-pw-123"

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dovecot():
    """A private dovecot on a free port; as root it drops to the package's dovecot/dovenull users."""
    if not os.path.exists(DOVECOT):
        skip_or_fail("dovecot-imapd not installed")
    # Not pytest's tmp_path: that tree is 0700 and dovecot's unprivileged processes must enter it.
    root = Path(tempfile.mkdtemp(prefix="poshtiban-dovecot-"))
    root.chmod(0o755)
    (root / "mail").mkdir()
    if os.geteuid() == 0:
        internal, login = "dovecot", "dovenull"
        shutil.chown(root / "mail", "dovecot", "dovecot")
    else:  # an unprivileged developer: everything runs as them
        internal = login = pwd.getpwuid(os.geteuid()).pw_name
    mail_user = pwd.getpwnam(internal).pw_uid
    port = _free_port()
    (root / "dovecot.conf").write_text(CONFIG.format(
        root=root, port=port, password=PASSWORD, internal=internal, login=login, mail_user=mail_user,
        mail_group=pwd.getpwnam(internal).pw_gid))
    proc = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                    pytest.fail(f"dovecot did not start: {proc.stderr.read()!r} {log}")
                time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


class Server:
    """The customer side: what is in the mailbox, as another IMAP client sees it."""

    def __init__(self, port, user):
        self.conn = imaplib.IMAP4("127.0.0.1", port)
        self.conn.login(user, PASSWORD)

    def append(self, raw, folder="INBOX"):
        typ, data = self.conn.append(folder, None, None, raw)
        assert typ == "OK", data

    def flags(self, folder="INBOX"):
        self.conn.select(folder)
        typ, data = self.conn.fetch("1:*", "(FLAGS)")
        return [line.decode() for line in data if line]

    def count(self, folder):
        typ, data = self.conn.status(folder, "(MESSAGES)")
        return int(data[0].split()[-1].strip(b")"))


@pytest.fixture
def server(dovecot, request, db):
    user = f"support{request.node.name[-20:].replace('[', '').replace(']', '')}{time.monotonic_ns()}"
    box = Mailbox.objects.create(name="Support", host="127.0.0.1", port=dovecot, security="none", username=user,
                                 password=PASSWORD, addresses=["support@poshtiban.localhost"])
    client = Server(dovecot, user)
    yield client, box
    client.conn.logout()


def poll(capture):
    with capture(execute=True):
        return tasks_mail.mailboxes_poll()


def test_poll_makes_tickets_marks_mail_read_and_never_duplicates(server, customer_reza,
                                                                 django_capture_on_commit_callbacks):
    client, box = server
    client.append(raw_email(subject="Printer jams"))
    client.append(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00binary outlook file\x00\x00")  # unparsable
    client.append(raw_email(subject="VAT report wrong"))
    summary = poll(django_capture_on_commit_callbacks)
    assert summary["Support"] == {"fetched": 3, "new": 3, "duplicates": 0}
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Printer jams", "VAT report wrong"]
    junk = InboundEmail.objects.get(ticket__isnull=True)
    assert junk.state == "quarantined" and junk.source == "imap" and junk.mailbox == box  # the next one still ran
    assert all("\\Seen" in f for f in client.flags())
    box.refresh_from_db()
    assert box.last_polled_at and box.last_error == ""

    assert poll(django_capture_on_commit_callbacks)["Support"]["fetched"] == 0
    client.conn.select("INBOX")
    client.conn.store("1", "-FLAGS", "\\Seen")  # someone marks it unread again: fetched, not duplicated
    assert poll(django_capture_on_commit_callbacks)["Support"] == {"fetched": 1, "new": 0, "duplicates": 1}
    assert Ticket.objects.count() == 2 and InboundEmail.objects.count() == 3


def test_mail_stays_unread_on_the_server_when_storing_fails(server, customer_reza, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    client, box = server
    client.append(raw_email(subject="Must not be lost"))
    real = mail_imap.store_raw

    def database_down(*args, **kwargs):
        raise OSError("database unreachable")

    monkeypatch.setattr(mail_imap, "store_raw", database_down)
    poll(django_capture_on_commit_callbacks)
    box.refresh_from_db()
    assert "database unreachable" in box.last_error
    assert not any("\\Seen" in f for f in client.flags())  # still new on the server
    assert not InboundEmail.objects.exists()

    monkeypatch.setattr(mail_imap, "store_raw", real)
    poll(django_capture_on_commit_callbacks)
    assert Ticket.objects.get().subject == "Must not be lost"


def test_poll_moves_stored_mail_to_the_processed_folder(server, customer_reza, django_capture_on_commit_callbacks):
    client, box = server
    client.conn.create("Processed")
    box.processed_folder = "Processed"
    box.save()
    client.append(raw_email(subject="Move me"))
    poll(django_capture_on_commit_callbacks)
    assert Ticket.objects.get().subject == "Move me"
    assert client.count("INBOX") == 0 and client.count("Processed") == 1


def test_a_wrong_password_is_recorded_on_the_mailbox(server, django_capture_on_commit_callbacks):
    _client, box = server
    Mailbox.objects.filter(pk=box.pk).update(password="wrong")
    # dovecot's static passdb accepts only PASSWORD; a failed login must not stop the poll task
    summary = poll(django_capture_on_commit_callbacks)
    box.refresh_from_db()
    assert "Support" in summary and box.last_error
