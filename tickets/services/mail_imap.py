"""Fetch new mail from IMAP mailboxes: store each message, then mark or move it, then queue it.

The order is the guarantee: a message leaves the "new" set on the server only after its bytes are
committed here, so a crash between the two fetches it again (and store_raw deduplicates it).
"""
import imaplib
import logging
import re
import ssl

from django.db import connection
from django.utils import timezone

from tickets.models_mail import Mailbox
from tickets.services.email_intake import enqueue, store_raw

log = logging.getLogger(__name__)
BATCH = 100  # per mailbox per poll: a backlog drains over a few polls instead of one long task
TIMEOUT = 60


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.security == Mailbox.Security.SSL:
        return imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT)
    conn = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT)
    if mailbox.security == Mailbox.Security.STARTTLS:
        conn.starttls(ssl.create_default_context())
    return conn


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _raw_of(fetched) -> bytes | None:
    for item in fetched or ():
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _capabilities(conn: imaplib.IMAP4) -> set[str]:
    """Asked again after login: servers announce more (e.g. MOVE) to a logged-in client."""
    typ, data = conn.capability()
    words = b" ".join(d for d in data if isinstance(d, bytes)).decode("ascii", "replace").upper().split()
    return set(words) | {c.upper() for c in conn.capabilities}


def _done(conn: imaplib.IMAP4, uid: bytes, mailbox: Mailbox, caps: set[str]):
    """Take the stored message out of the "new" set: moved, or marked as read."""
    if not mailbox.processed_folder:
        conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        return
    target = _quote(mailbox.processed_folder)
    if "MOVE" in caps:  # RFC 6851; else copy, flag deleted, expunge
        typ, _data = conn.uid("MOVE", uid, target)
        if typ == "OK":
            return
    typ, data = conn.uid("COPY", uid, target)
    if typ != "OK":
        raise imaplib.IMAP4.error(f"COPY to {mailbox.processed_folder} failed: {data!r}")
    conn.uid("STORE", uid, "+FLAGS", "(\\Seen \\Deleted)")
    conn.expunge()


def mailbox_poll(mailbox: Mailbox) -> dict:
    """One pass over one mailbox; returns counts. Raises on connection/login problems."""
    counts = {"fetched": 0, "new": 0, "duplicates": 0}
    conn = _connect(mailbox)
    try:
        conn.login(mailbox.username, mailbox.password)
        caps = _capabilities(conn)
        typ, data = conn.select(_quote(mailbox.folder))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {mailbox.folder}: {data!r}")
        # Moving empties the folder, so all of it is new; marking leaves read mail behind.
        typ, data = conn.uid("SEARCH", None, "ALL" if mailbox.processed_folder else "UNSEEN")
        uids = (data[0] or b"").split()[:BATCH] if typ == "OK" else []
        for uid in uids:
            typ, fetched = conn.uid("FETCH", uid, "(BODY.PEEK[])")  # PEEK: reading must not mark it
            raw = _raw_of(fetched) if typ == "OK" else None
            if raw is None:
                log.warning("mailbox %s: UID %s could not be fetched (%r)", mailbox, uid, fetched)
                continue
            inbound, created = store_raw(raw, "imap", mailbox)  # committed before the server is told
            _done(conn, uid, mailbox, caps)
            counts["fetched"] += 1
            counts["new" if created else "duplicates"] += 1
            if inbound.state == inbound.State.STORED:
                enqueue(inbound.pk)
    finally:
        try:
            conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return counts


_LOCK_SPACE = 0x6D61696C  # "mail": keeps these advisory lock keys apart from anyone else's


def _try_lock(mailbox: Mailbox) -> bool:
    """A session advisory lock: a slow poll and the next beat tick never read one mailbox twice."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_SPACE, mailbox.pk & 0x7FFFFFFF])
        return cursor.fetchone()[0]


def _unlock(mailbox: Mailbox):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_SPACE, mailbox.pk & 0x7FFFFFFF])


def mailboxes_poll() -> dict:
    """Poll every active mailbox; one failing mailbox is recorded on it and does not stop the rest."""
    summary = {}
    for mailbox in Mailbox.objects.filter(is_active=True):
        if not _try_lock(mailbox):
            summary[mailbox.name] = "busy"
            continue
        try:
            counts = mailbox_poll(mailbox)
            error = ""
            summary[mailbox.name] = counts
        except Exception as exc:  # noqa: BLE001 - recorded on the mailbox for the admin; the others still run
            error = re.sub(r"\s+", " ", f"{type(exc).__name__}: {exc}")[:2000]
            log.warning("mailbox %s: %s", mailbox, error)
            summary[mailbox.name] = error
        finally:
            _unlock(mailbox)
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error=error)
    return summary
