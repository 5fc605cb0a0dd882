"""Decide whether an incoming message may be answered automatically.

A helpdesk that acknowledges every message will sooner or later answer an
out-of-office reply, which answers back, and so on for ever. ``classify_loop``
names the kind of message so the caller can create or update the ticket but
stay silent for anything automated. Pure: it reads only the ParsedEmail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .parse import ParsedEmail

__all__ = ["LoopVerdict", "classify_loop", "over_rate_limit", "KINDS"]

KINDS = ("normal", "auto_reply", "bounce", "own_mail", "list")


@dataclass(frozen=True)
class LoopVerdict:
    kind: str  # one of KINDS
    reason: str = ""

    @property
    def may_auto_reply(self) -> bool:
        """Only a person's own message may get an automatic acknowledgement."""
        return self.kind == "normal"


_DAEMONS = {"mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster"}
# Subjects that clients put on vacation replies; anchored at the start, where
# Exchange, Outlook, Lotus and the Persian/Arabic Outlook locales put them, so
# a customer writing about "office hours" is not silenced.
_AUTO_SUBJECT = re.compile(
    r"^\s*\[?\s*(automatic reply|auto(matic)?[- ]?(reply|response)|autoreply|auto|ooo"
    r"|out of (the )?office( reply| autoreply)?|abwesenheitsnotiz|automatische antwort"
    r"|réponse automatique|respuesta automática|risposta automatica|automatisch antwoord"
    r"|پاسخ خودکار|پاسخ\u200cخودکار|خارج از دفتر|رد تلقائي|الرد التلقائي|خارج المكتب)"
    r"\s*\]?\s*([:：\-]|$)", re.I)
_BOUNCE_SUBJECT = re.compile(
    r"(undeliver(ed|able)|delivery (status notification|failure|has failed)|returned mail"
    r"|mail delivery (failed|failure|subsystem)|failure notice|عدم تحویل|تحویل ناموفق)", re.I)


def _first(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name) or [""]
    return (values[0] or "").strip()


def _local_part(address: str) -> str:
    return address.split("@", 1)[0].strip().lower()


def classify_loop(parsed: ParsedEmail, *, own_addresses: set[str],
                  own_message_id_domain: str) -> LoopVerdict:
    """Classify as normal, auto_reply, bounce, own_mail or list (most severe first)."""
    h = parsed.headers
    own = {a.strip().lower() for a in own_addresses if a}
    domain = own_message_id_domain.strip().lstrip("@").lower()
    sender = parsed.from_address.lower()
    raw_from = _first(h, "from").lower()

    # 1. Our own mail coming back (a forward rule, an alias pointing at us):
    #    answering it would be the fastest loop of all.
    if sender and sender in own:
        return LoopVerdict("own_mail", f"From {sender} is one of our addresses")
    if domain and parsed.message_id.lower().endswith("@" + domain):
        return LoopVerdict("own_mail", f"Message-ID is ours (@{domain})")
    x_loop = " ".join(h.get("x-loop", [])).lower()
    if x_loop and (any(a in x_loop for a in own) or (domain and domain in x_loop)):
        return LoopVerdict("own_mail", "X-Loop names us")

    # 2. Delivery reports: an answer would bounce again.
    content_type = " ".join(h.get("content-type", [])).lower()
    if parsed.content_type == "multipart/report" and re.search(
            r"report-type\s*=\s*\"?(delivery-status|disposition-notification)", content_type):
        return LoopVerdict("bounce", "multipart/report delivery status notification")
    if h.get("x-failed-recipients"):
        return LoopVerdict("bounce", "X-Failed-Recipients header")
    if _local_part(sender) in _DAEMONS or any(d in raw_from for d in ("mailer-daemon", "postmaster@")):
        return LoopVerdict("bounce", f"sent by {sender or raw_from}")
    if any(a.content_type == "message/delivery-status" for a in parsed.attachments):
        return LoopVerdict("bounce", "carries a message/delivery-status part")

    # 3. Auto-replies (RFC 3834 and the vendor headers that predate it).
    auto_submitted = _first(h, "auto-submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return LoopVerdict("auto_reply", f"Auto-Submitted: {auto_submitted}")
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder"):
        if h.get(name):
            return LoopVerdict("auto_reply", f"{name} header")
    subject_auto = bool(_AUTO_SUBJECT.search(parsed.subject))
    if h.get("x-auto-response-suppress") and subject_auto:
        # Exchange sets this on its automatic replies; alone it is too common
        return LoopVerdict("auto_reply", "Exchange automatic reply (X-Auto-Response-Suppress + subject)")
    if subject_auto:
        return LoopVerdict("auto_reply", f"out-of-office subject {parsed.subject!r}")
    precedence = _first(h, "precedence").lower()
    if precedence == "junk":
        return LoopVerdict("auto_reply", "Precedence: junk")
    if _first(h, "return-path") == "<>" and _BOUNCE_SUBJECT.search(parsed.subject):
        return LoopVerdict("bounce", "null sender and a delivery failure subject")
    if _first(h, "return-path") == "<>":
        # RFC 5321: the null reverse-path is only for automated notifications
        return LoopVerdict("auto_reply", "null Return-Path (<>)")

    # 4. Lists and mass mail: may become a ticket, must not get an answer.
    if precedence in ("bulk", "list"):
        return LoopVerdict("list", f"Precedence: {precedence}")
    for name in ("list-id", "list-unsubscribe", "list-post"):
        if h.get(name):
            return LoopVerdict("list", f"{name} header")
    return LoopVerdict("normal", "no automation markers")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def over_rate_limit(recent_timestamps: list[datetime], now: datetime, limit: int,
                    window: timedelta) -> bool:
    """True when ``limit`` or more earlier messages fall in ``(now - window, now]``.

    The caller passes when it last auto-replied to a sender (or received mail
    from them); past the limit it stays silent, which breaks loops that slip
    past ``classify_loop``. Naive datetimes are taken as UTC.
    """
    if limit <= 0:
        return True
    now = _aware(now)
    start = now - window
    return sum(1 for t in recent_timestamps if start < _aware(t) <= now) >= limit
