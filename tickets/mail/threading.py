"""Keys for attaching an incoming message to an existing ticket.

Pure: it only says what to look for. Message-IDs are the reliable key (mail
clients copy them into In-Reply-To/References); the ``[#1234]`` subject token
is the fallback for clients that drop those headers or for a customer who
starts a new message but keeps the subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .parse import ParsedEmail

__all__ = ["ThreadKeys", "thread_candidates", "normalize_subject", "ticket_number_in"]


@dataclass(frozen=True)
class ThreadKeys:
    message_ids: list[str] = field(default_factory=list)  # newest first
    subject_ticket_number: int | None = None
    normalized_subject: str = ""


# Reply/forward prefixes in the languages of our senders: English, German
# (AW/WG), Nordic (SV/VS), Dutch (Antw/Doorst), French (TR), Spanish (RV),
# Italian (R/I only with a colon), Persian and Arabic. "Re[2]:" and "Re(2):"
# are counted replies.
_PREFIX = re.compile(
    r"^(re|fwd?|aw|wg|sv|vs|antw|doorst|tr|rv|rif|r|enc|odp|пересл|ответ"
    r"|پاسخ|ارسال مجدد|باز ?ارسال|فوروارد|هدایت|رد|إعادة توجيه|تحويل)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*",
    re.I,
)
_TAG = re.compile(r"^\[[^\]]*\]\s*")  # "[#1234]" or a list's "[Support]"
_TICKET = re.compile(r"\[[^\[\]#]{0,40}#\s*([0-9\u06f0-\u06f9\u0660-\u0669]{1,12})\s*\]")


def normalize_subject(subject: str) -> str:
    """Strip reply/forward prefixes ("Re: Fwd: AW: پاسخ:") and squeeze spaces.

    Bracket tags are kept but prefixes behind them go too, so
    "Re: [#12] RE: Printer" and "[#12] Printer" compare equal.
    """
    s, tags = " ".join((subject or "").split()), ""
    while True:
        prefix = _PREFIX.match(s)
        tag = _TAG.match(s)
        if prefix:
            s = s[prefix.end():]
        elif tag and _PREFIX.match(s[tag.end():]):
            tags, s = tags + tag.group(0), s[tag.end():]
        else:
            return (tags + s).strip()


def ticket_number_in(subject: str) -> int | None:
    """The number in a "[#1234]" token; Persian/Arabic-Indic digits are accepted."""
    match = _TICKET.search(subject or "")
    # int() reads any Unicode decimal digits, so "۱۲۳۴" is 1234
    return int(match.group(1)) if match else None


def thread_candidates(parsed: ParsedEmail) -> ThreadKeys:
    ids: list[str] = []
    # In-Reply-To names the direct parent; References lists ancestors oldest first
    for mid in list(parsed.in_reply_to) + list(reversed(parsed.references)):
        mid = mid.strip().strip("<>").strip()
        if mid and mid not in ids:
            ids.append(mid)
    return ThreadKeys(
        message_ids=ids,
        subject_ticket_number=ticket_number_in(parsed.subject),
        normalized_subject=normalize_subject(parsed.subject),
    )
