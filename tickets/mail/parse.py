"""Turn raw RFC 5322 bytes into a ParsedEmail.

Pure on purpose: bytes in, dataclasses out -- no Django, no I/O -- so the
ingest task can store the raw message first and then call this knowing it
never raises: every problem is written to ``ParsedEmail.defects`` instead,
because a helpdesk must not lose a customer's mail over a broken header.
"""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from tickets.mail import policy as cached_policy
from tickets.mail.text import decode_text, html_to_text, sanitize_html  # noqa: F401  (re-exported)


try:  # optional: without it winmail.dat is kept whole and a defect says so
    from tnefparse import TNEF
except ImportError:  # pragma: no cover - exercised only where it is missing
    TNEF = None

__all__ = ["ParsedAttachment", "ParsedEmail", "parse_email", "decode_text"]


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str | None = None  # without <>, as referenced by "cid:" in the HTML
    inline: bool = False


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    to: list[tuple[str, str]] = field(default_factory=list)
    cc: list[tuple[str, str]] = field(default_factory=list)
    reply_to: str | None = None
    date: datetime | None = None
    text: str = ""
    html: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    headers: dict[str, list[str]] = field(default_factory=dict)
    content_type: str = "text/plain"  # top-level type: loops.py spots DSNs by it
    is_oversize: bool = False
    defects: list[str] = field(default_factory=list)
    stable_id: str = ""


# ---- Charsets ----

# Labels mail clients use that Python's codec registry does not know, or knows
# as a narrower set than the senders really use.
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SURROGATE = re.compile("[\udc80-\udcff]")
_MSGID = re.compile(r"<([^<>\s]+)>")


def _decode_raw_header(raw: str) -> str:
    """Decode a header from its source form (compat32 keeps 8-bit as surrogates)."""
    raw = re.sub(r"\r?\n(?=[ \t])", "", raw)
    if _SURROGATE.search(raw):  # raw 8-bit header bytes
        raw = decode_text(raw.encode("ascii", "surrogateescape"), None)[0]
    if "=?" in raw:
        try:
            raw = "".join(
                chunk if isinstance(chunk, str) else decode_text(chunk, cs)[0]
                for chunk, cs in decode_header(raw)
            )
        except Exception:  # bad base64 in an encoded word: keep it readable as-is
            pass
    return _CTRL.sub("", raw).strip()


class _Headers:
    """Header access: the modern parser first, compat32 source text on failure."""

    def __init__(self, msg: Message, defects: list[str]):
        self.msg, self.defects = msg, defects

    def raw_all(self, name: str) -> list[str]:
        # raw_items() gives the values exactly as read, before any policy parsing
        return [v for k, v in self.msg.raw_items() if k.lower() == name]

    def text(self, name: str) -> str:
        try:
            value = self.msg[name]
            if value is None:
                return ""
            if not getattr(value, "defects", None):
                value = str(value)
                if "\ufffd" not in value and not _SURROGATE.search(value):
                    return _CTRL.sub("", value).strip()
            self.defects.append(f"header {name}: malformed, decoded from source")
        except Exception as exc:
            self.defects.append(f"header {name}: {type(exc).__name__}")
        raws = self.raw_all(name)
        return _decode_raw_header(raws[0]) if raws else ""

    def addresses(self, name: str) -> list[tuple[str, str]]:
        try:
            header = self.msg[name]
            if header is not None and not header.defects:
                return [(_CTRL.sub("", a.display_name), a.addr_spec.lower())
                        for a in header.addresses if a.addr_spec and "@" in a.addr_spec]
        except Exception as exc:
            self.defects.append(f"header {name}: {type(exc).__name__}")
        # Split before decoding so an encoded comma in a name is not a separator
        pairs = getaddresses([re.sub(r"\r?\n(?=[ \t])", "", v) for v in self.raw_all(name)])
        return [(_decode_raw_header(n), _decode_raw_header(a).lower()) for n, a in pairs if "@" in a]

    def all(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key, value in self.msg.raw_items():
            out.setdefault(key.lower(), []).append(_decode_raw_header(value))
        return out


def _ids(values: list[str]) -> list[str]:
    found: list[str] = []
    for value in values:
        ids = _MSGID.findall(value) or [t.strip("<>,") for t in value.split() if "@" in t]
        found.extend(i for i in ids if i and i not in found)
    return found


def _date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    # "-0000" means "zone unknown": RFC 5322 says treat it as UTC
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# ---- HTML ----

_EXT = {
    "application/pdf": ".pdf", "application/zip": ".zip", "image/png": ".png", "image/jpeg": ".jpg",
    "image/gif": ".gif", "text/plain": ".txt", "text/html": ".html", "text/calendar": ".ics",
    "message/rfc822": ".eml", "message/delivery-status": ".txt", "text/rfc822-headers": ".txt",
    "application/pgp-signature": ".asc", "application/pkcs7-signature": ".p7s",
}
_TYPE_BY_EXT = {ext: ctype for ctype, ext in _EXT.items() if "/rfc822" not in ctype and "status" not in ctype}
_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}


def _safe_name(name: str | None) -> str:
    if not name:
        return ""
    if "=?" in name or _SURROGATE.search(name):
        name = _decode_raw_header(name)
    # A filename is only a label here: drop any path so it cannot point elsewhere
    name = re.split(r"[\\/]", _CTRL.sub("", name))[-1].strip().strip(".")
    return name[:255]


def _as_bytes(part: Message) -> bytes:
    for render in (lambda: part.as_bytes(policy=policy.compat32),
                   lambda: part.as_string(policy=policy.compat32).encode("utf-8", "surrogateescape")):
        try:
            return render()
        except Exception:
            continue
    return b""


def _unflow(text: str, delsp: bool) -> str:
    """Join format=flowed soft line breaks (RFC 3676) so quote headers are whole lines."""
    out: list[list] = []  # [quote depth, content, ends with a soft break]
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        content = content[1:] if content.startswith(" ") else content  # space-stuffing
        if out and out[-1][2] and out[-1][0] == depth:
            prev = out.pop()[1]
            content = (prev[:-1] if delsp else prev) + content
        out.append([depth, content, content.endswith(" ") and content != "-- "])
    return "\n".join((">" * d + " " if d else "") + c for d, c, _ in out)


class _Collector:
    """Walks the MIME tree once, sorting leaves into body text and attachments."""

    def __init__(self, defects: list[str]):
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.defects = defects

    def walk(self, part: Message, depth: int = 0) -> None:
        ctype = part.get_content_type()
        if depth > 40:
            self.defects.append("MIME nesting too deep: kept as one attachment")
            return self.attach(part)
        if ctype.startswith("message/") or ctype == "text/rfc822-headers":
            return self.attach_message(part, ctype)
        if ctype.startswith("multipart/") and not part.is_multipart():
            return self.recover_multipart(part, ctype, depth)
        if part.is_multipart():
            if ctype == "multipart/encrypted":
                self.defects.append("encrypted message: parts kept as attachments")
            for i, child in enumerate(part.get_payload()):
                # multipart/signed: the first part is the message, the signature stays a file
                if ctype == "multipart/encrypted" or (ctype == "multipart/signed" and i > 0):
                    self.attach(child)
                else:
                    self.walk(child, depth + 1)
            return None
        name = self.filename(part)
        if ctype in _TNEF_TYPES or name.lower() == "winmail.dat":
            return self.unpack_tnef(part, name)
        if ctype in ("text/plain", "text/html") and not name and part.get_content_disposition() != "attachment":
            (self.html if ctype == "text/html" else self.plain).append(self.decode(part, ctype))
            return None
        return self.attach(part, name)

    def recover_multipart(self, part: Message, ctype: str, depth: int) -> None:
        """A multipart whose declared boundary never occurs: retry with the one used."""
        body = self.payload(part)
        found = re.search(rb"^--(\S{1,200}?)(?:--)?[ \t]*\r?$", body, re.M)
        if found:
            head = b'Content-Type: %s; boundary="%s"\r\n\r\n' % (ctype.encode(), found.group(1))
            retry = email.message_from_bytes(head + body, policy=cached_policy.default)
            if retry.is_multipart() and retry.get_payload():
                self.defects.append(f"{ctype}: wrong boundary declared, recovered")
                return self.walk(retry, depth + 1)
        self.defects.append(f"{ctype}: unreadable multipart")
        return self.attach(part) if body.strip() else None  # keep what cannot be read

    def filename(self, part: Message) -> str:
        try:
            return _safe_name(part.get_filename())
        except Exception:
            self.defects.append("unreadable attachment filename")
            return ""

    def payload(self, part: Message) -> bytes:
        if part.is_multipart():
            return _as_bytes(part)
        try:
            data = part.get_payload(decode=True)
        except Exception as exc:
            self.defects.append(f"{part.get_content_type()}: payload undecodable ({type(exc).__name__})")
            data = None
        return data if isinstance(data, bytes) else b""

    def decode(self, part: Message, ctype: str) -> str:
        data, charset = self.payload(part), part.get_content_charset()
        if not charset and ctype == "text/html":  # an HTML part may name it in <meta>
            meta = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", data[:4096], re.I)
            charset = meta.group(1).decode("ascii") if meta else None
        text, problems = decode_text(data, charset)
        self.defects.extend(f"{ctype}: {p}" for p in problems)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if ctype == "text/plain" and str(part.get_param("format") or "").lower() == "flowed":
            text = _unflow(text, str(part.get_param("delsp") or "").lower() == "yes")
        return text

    def attach(self, part: Message, filename: str = "", content: bytes | None = None) -> None:
        ctype = part.get_content_type()
        name = filename or self.filename(part) or f"attachment-{len(self.attachments) + 1}{_EXT.get(ctype, '.bin')}"
        cid = str(part.get("content-id") or "").strip().strip("<>").strip() or None
        disposition = part.get_content_disposition()
        self.attachments.append(ParsedAttachment(
            filename=name, content_type=ctype, content=self.payload(part) if content is None else content,
            content_id=cid,
            # an image with a Content-ID and no disposition is referenced from the HTML
            inline=disposition == "inline" or (disposition is None and cid is not None)))

    def attach_message(self, part: Message, ctype: str) -> None:
        """Forwarded mail, DSN reports: kept whole (as .eml/.txt) for the agent to open."""
        if not part.is_multipart():  # e.g. a base64-encoded message/rfc822
            return self.attach(part)
        body = _as_bytes(part)
        split = re.search(rb"\r?\n\r?\n", body)  # the part's own headers are not the message
        name = self.filename(part)
        if not name and ctype in ("message/rfc822", "message/global"):
            subject = _decode_raw_header(str(part.get_payload(0).get("subject", "") or ""))
            name = f"{_safe_name(subject)[:80] or 'forwarded-message'}.eml"
        return self.attach(part, name, body[split.end():] if split else body)

    def unpack_tnef(self, part: Message, name: str) -> None:
        found: list[ParsedAttachment] = []
        try:
            if TNEF is None:
                raise ImportError("tnefparse is not installed")
            tnef = TNEF(self.payload(part), do_checksum=False)
            for att in tnef.attachments:
                fname = _safe_name(str(att.long_filename() or "")) or f"attachment-{len(found) + 1}.bin"
                ext = re.search(r"\.\w+$", fname.lower())
                found.append(ParsedAttachment(fname, _TYPE_BY_EXT.get(ext and ext.group(0), "application/octet-stream"),
                                              bytes(att.data or b"")))
            bodies = [(b, target) for b, target in ((tnef.body, self.plain), (tnef.htmlbody, self.html)) if b]
        except Exception as exc:
            self.defects.append(f"winmail.dat could not be unpacked ({type(exc).__name__}): kept whole")
            return self.attach(part, name or "winmail.dat")
        if not found and not bodies:
            self.defects.append("winmail.dat held nothing readable: kept whole")
            return self.attach(part, name or "winmail.dat")
        for body, target in bodies:
            target.append(body if isinstance(body, str) else decode_text(bytes(body), None)[0])
        self.attachments.extend(found)
        return None


# ---- Entry point ----

def parse_email(raw: bytes, *, max_bytes: int | None = None) -> ParsedEmail:
    """Parse raw message bytes; never raises -- problems go to ``defects``.

    When ``len(raw) > max_bytes`` only the header block is read
    (``is_oversize=True``): the caller keeps the raw bytes and tells the sender.
    """
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    raw = bytes(raw or b"")
    digest_id = f"sha256-{hashlib.sha256(raw).hexdigest()}@poshtiban.invalid"
    oversize = max_bytes is not None and len(raw) > max_bytes
    defects: list[str] = []
    try:
        return _parse(raw, oversize, max_bytes, digest_id, defects)
    except Exception as exc:  # last line of defence: still hand back the words
        defects.append(f"parser failed: {type(exc).__name__}: {exc}")
        text = "" if oversize else decode_text(raw, None)[0]
        return ParsedEmail(text=text, is_oversize=oversize, defects=defects, stable_id=digest_id)


def _parse(raw: bytes, oversize: bool, max_bytes: int | None, digest_id: str,
           defects: list[str]) -> ParsedEmail:
    source = raw
    if oversize:  # read the header block only; the body is never touched
        end = re.search(rb"\r?\n\r?\n", raw)
        source = raw[: end.end()] if end else raw[:65536]
        defects.append(f"message is {len(raw)} bytes, over the {max_bytes}-byte limit: body not parsed")
    try:
        msg = email.message_from_bytes(source, policy=cached_policy.default)
    except Exception as exc:
        defects.append(f"modern parser failed ({type(exc).__name__}): compat32 used")
        msg = email.message_from_bytes(source, policy=policy.compat32)
    h = _Headers(msg, defects)
    senders = h.addresses("from")
    from_name, from_address = senders[0] if senders else ("", "")
    reply_to = h.addresses("reply-to")
    dates = h.raw_all("date")
    collector = _Collector(defects)
    if not msg.keys() and b"\x00" in raw[:4096]:
        # Not RFC 5322 at all (e.g. an Outlook .msg upload): keep it as a file
        ole = raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
        defects.append("input is binary, not an email: kept as an attachment")
        collector.attachments.append(ParsedAttachment(
            filename="message.msg" if ole else "message.bin",
            content_type="application/vnd.ms-outlook" if ole else "application/octet-stream",
            content=raw))
    elif not oversize:
        try:
            collector.walk(msg)
        except Exception as exc:  # keep the headers and whatever text there is
            defects.append(f"MIME structure unreadable ({type(exc).__name__}): body read as text")
            body = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[-1]
            collector.plain.append(decode_text(body, None)[0])
    for part in msg.walk():
        defects.extend(type(d).__name__ for d in getattr(part, "defects", []))
        if str(getattr(part, "epilogue", "") or "").strip():
            defects.append("text after the closing MIME boundary ignored")
    text = "\n\n".join(t.strip("\n") for t in collector.plain if t.strip())
    html = "\n".join(collector.html)
    html = sanitize_html(html) if html.strip() else ""
    if not text.strip() and html:
        text = html_to_text(html)  # from the sanitised markup: no script or style text
    message_id = (_ids(h.raw_all("message-id")) or [""])[0]
    return ParsedEmail(
        message_id=message_id,
        in_reply_to=_ids(h.raw_all("in-reply-to")),
        references=_ids(h.raw_all("references")),
        subject=h.text("subject"),
        from_name=from_name, from_address=from_address,
        to=h.addresses("to"), cc=h.addresses("cc"),
        reply_to=reply_to[0][1] if reply_to else None,
        date=_date(_decode_raw_header(dates[0])) if dates else None,
        text=text, html=html, attachments=collector.attachments,
        headers=h.all(), content_type=msg.get_content_type(), is_oversize=oversize,
        defects=list(dict.fromkeys(defects)), stable_id=message_id or digest_id,
    )
