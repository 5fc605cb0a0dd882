"""Split a plain-text reply into what the sender wrote and the quoted history.

The helpdesk shows agents only the new words of a reply, but keeps the rest,
so ``split_reply`` returns both parts and never throws text away.

How: every line is given a kind (text, quote, attribution such as
"On ... wrote:", header block, delimiter, signature, forward marker), then the
reply is cut at the first boundary that follows the sender's own text. Quotes
that the sender answers in between ("inline" replies) are kept, since the
answer makes no sense without them.
"""

from __future__ import annotations

import re

__all__ = ["split_reply"]

TEXT, EMPTY, QUOTE, ATTRIB, HEADER, DELIM, SIGN, FORWARD = "teqahdsf"

# Verbs of attribution lines ("On <date>, <someone> wrote:") in the languages
# our customers and the test corpus use; Persian and Arabic clients included.
_VERBS = (
    r"wrote|writes|schrieb|a écrit|escribió|escreveu|ha scritto|scrisse|написал[аи]?"
    r"|пише|napisał\(a\)|napisał|napisała|napsal[a]?|skrev|schreef|geschreven|kirjoitti"
    r"|yazdı|写道|寫道|كتب|نوشت|نوشته است"
)
# an attribution ends with the verb, a little more ("schrieb am Fr., 28. Apr."),
# then ":" (or "wrote ----" in Zoho); it may be wrapped over several lines
_VERB_END = re.compile(rf"(?<!\w)(?:{_VERBS})(?!\w)[^\n]{{0,80}}?\s*(?::|：|-{{2,}})\s*$", re.I)
_ENDS_LIKE_ATTRIB = re.compile(r"(:|：|-{2,})\s*$")
_OPENER = re.compile(
    r"^[\s>*-]*((on|am|le|el|em|il|op|den|dnia|w dniu|at|در|في)\b.*\d|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b)", re.I)
_ISO_DATE_LINE = re.compile(  # Gmail in some locales: "2016-03-03 17:21 GMT+01:00 Some One <a@b>:"
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b.*(GMT|<[^>\s]*@|<\s*$|:\s*$)", re.I)
_ORIGINAL = re.compile(  # Outlook and friends, in the languages of the corpus
    r"^[\s*>]*-{2,}\s*(original message|ursprüngliche nachricht|mensaje original|message d'origine"
    r"|messaggio originale|oorspronkelijk bericht|originalmeddelande|opprinnelig melding"
    r"|mensagem original|wiadomość oryginalna|исходное сообщение|پیام اصلی|الرسالة الأصلية)"
    r"\s*-{2,}[\s*]*$", re.I)
_FORWARD = re.compile(
    r"^[\s*>]*(-{2,}\s*(forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado"
    r"|messaggio inoltrato|doorgestuurd bericht|пересланное сообщение|پیام بازارسال شده"
    r"|پیام هدایت شده|رسالة محولة)\s*-{2,}|begin forwarded message:|inizio messaggio inoltrato:)[\s*]*$",
    re.I)
_HEADER_KEYS = (
    "from|sent|to|cc|subject|date|reply-to|von|gesendet|an|betreff|datum|de|enviado|para|asunto"
    "|fecha|envoyé|à|objet|da|inviato|a|oggetto|data|risposta|från|skickat|till|ämne|van"
    "|verzonden|aan|onderwerp|od|wysłano|do|temat|от|отправлено|кому|тема|از|ارسال شده|به"
    "|موضوع|تاریخ|رونوشت|من|أرسل|إلى|الموضوع|التاريخ"
)
_HEADER = re.compile(rf"^[\s>]*\*?(?:{_HEADER_KEYS})\s*:\*?\s*:?\s*\S", re.I)
_HEADER_FIRST = re.compile(r"^[\s>]*\*?(from|von|de|da|från|van|od|от|از|من)\s*:", re.I)
# A block needs a subject line too: "From: Tehran / To: Mashhad / Date: ..." in a
# customer's own text is a booking, not a quoted message.
_HEADER_SUBJECT = re.compile(
    r"^[\s>]*\*?(subject|betreff|asunto|objet|oggetto|ämne|onderwerp|temat|тема|موضوع|الموضوع)\s*:", re.I)
_DELIM = re.compile(r"^\s*(?:[-_=~*#+—–]\s*){2,}$|^-- ?$")
_SIGNATURE = re.compile(
    r"^[\s(<*]*("
    r"sent (from|with|via|using|by|on) \S|envoyé (de|depuis)\b|enviado (desde|de)\b|inviato da\b"
    r"|verzonden (met|vanaf|van)\b|gesendet (von|mit)\b|von meinem .* gesendet|sendt fra\b"
    r"|skickat från\b|wysłane z\b|отправлено (с|из)\b|diese nachricht wurde von .* gesendet"
    r"|get (outlook|the outlook)\b|发自我的|從我的 .*傳送"
    # "Someone from mobile", "From My Iphone 6": only as a whole short line
    r"|(\S.{0,30} )?from (my )?(mobile|i?phone|ipad|ipod|android|blackberry|samsung|galaxy)\b.{0,12}$"
    r"|ارسال شده (از|با)\s|ارسال‌شده (از|با)\s|(أُ|أ)رسلت من\s|مرسل من\s"
    r")", re.I)
_QUOTE = re.compile(r"^\s*(>|\|(\s|$)|[A-Za-z]{1,12}>)")
# bidi marks wrap RTL attributions; U+1427 is Gmail's tracking dot. ZWNJ (U+200C)
# is part of Persian spelling, so it stays.
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u1427]")
_CODE_FENCE = re.compile(r"^\s*(```|~~~)")


def _unquote(line: str) -> str:
    return re.sub(r"^(\s*([A-Za-z]{0,12}>|\|(?=\s|$)))+\s?", "", line)


def _is_attribution(window: str) -> bool:
    # "I wrote:" in a sentence is not an attribution: require a date or an address
    return bool(_VERB_END.search(window)) and bool(re.search(r"\d|@", window)) and len(window) < 500


def _attribution_lines(lines: list[str]) -> set[int]:
    """Indexes of attribution lines; clients often wrap them over 2-5 lines."""
    found: set[int] = set()
    for i, line in enumerate(lines):
        if not _ENDS_LIKE_ATTRIB.search(line) or not _VERB_END.search(" ".join(lines[max(0, i - 1): i + 1])):
            continue
        start = None
        for j in range(i, max(-1, i - 6), -1):
            if not _is_attribution(" ".join(x.strip() for x in lines[j: i + 1])):
                continue
            if _OPENER.match(lines[j]):  # "On <date>", "Le <date>"...: surely the start
                start = j
                break
            paragraph_start = j == 0 or not lines[j - 1].strip()
            # a wrapped attribution has no sentence end inside; a paragraph does
            unbroken = all(x.strip() and not re.search(r"[^\W\d_]{2,}[.!?]\s*$", x) for x in lines[j:i])
            if j == i or (paragraph_start and unbroken and re.search(r"\d|@", lines[j])):
                start = j
        if start is not None and not _QUOTE.match(lines[start]):
            found.update(range(start, i + 1))
    return found


def _classify(lines: list[str]) -> list[str]:
    kinds: list[str] = []
    attrib = _attribution_lines([_INVISIBLE.sub("", line) for line in lines])
    in_code = False
    for i, line in enumerate(lines):
        bare = _INVISIBLE.sub("", line)
        if _CODE_FENCE.match(bare):
            in_code = not in_code
            kinds.append(TEXT)
        elif in_code:  # code blocks: a "####" or "> x" there is content, not a marker
            kinds.append(TEXT if bare.strip() else EMPTY)
        elif not bare.strip():
            kinds.append(EMPTY)
        elif _FORWARD.match(bare):
            kinds.append(FORWARD)
        elif i in attrib or _ORIGINAL.match(bare) or _ISO_DATE_LINE.match(bare):
            kinds.append(ATTRIB)
        elif _QUOTE.match(bare):
            kinds.append(QUOTE)
        elif _DELIM.match(bare):
            kinds.append(DELIM)
        elif _SIGNATURE.match(bare) and len(bare) < 100:
            kinds.append(SIGN)
        elif _HEADER.match(bare):
            kinds.append(HEADER)
        else:
            kinds.append(TEXT)
    return kinds


def _header_block_at(kinds: list[str], lines: list[str], i: int) -> bool:
    """From:/Sent:/To:/Subject: style block (two keys or more) starting at line i."""
    if kinds[i] != HEADER or not _HEADER_FIRST.match(lines[i]):
        return False
    block = [j for j in range(i, min(len(kinds), i + 8)) if kinds[j] == HEADER]
    return len(block) >= 2 and any(_HEADER_SUBJECT.match(lines[j]) for j in block)


def _blocks(kinds: list[str], start: int) -> list[tuple[str, int]]:
    """Runs of the same kind from `start`, skipping empty lines: [(kind, length)]."""
    out: list[tuple[str, int]] = []
    for kind in kinds[start:]:
        if kind == EMPTY:
            continue
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + 1)
        else:
            out.append((kind, 1))
    return out


def _is_inline_reply(kinds: list[str], after: int) -> bool:
    """After an attribution: a quote answered by the sender rather than trailing history."""
    runs = _blocks(kinds, after)
    if len(runs) < 2 or runs[0][0] != QUOTE or runs[1][0] != TEXT:
        return False
    # either the conversation goes on (another quote), or the answer is substantial
    return (len(runs) > 2 and runs[2][0] == QUOTE) or runs[1][1] >= 3


def split_reply(text: str, *, trim_forwarded: bool = False) -> tuple[str, str]:
    """Return ``(reply, quoted_rest)`` for a plain-text message body.

    A forwarded message ("---------- Forwarded message ----------",
    "Begin forwarded message:") is content, not history: by default it stays
    in the reply, since a customer who forwards mail wants it read. Pass
    ``trim_forwarded=True`` to treat it as history too.
    """
    if not text or not text.strip():
        return "", ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    kinds = _classify(lines)
    keep = [True] * len(lines)

    # 1. Leading history: bottom-posted replies start with an attribution or a
    #    forward marker followed by the quote; drop those before the first text.
    i = 0
    while i < len(lines) and kinds[i] != TEXT:
        if kinds[i] == ATTRIB or (kinds[i] == FORWARD and trim_forwarded):
            keep[i] = False
            j = i + 1
            while j < len(lines) and (kinds[j] in (EMPTY, QUOTE, HEADER, ATTRIB) or (
                    # a header value wrapped onto the next line ("Subject: a\n b")
                    kinds[j - 1] == HEADER and j + 1 < len(lines) and kinds[j + 1] == HEADER)):
                keep[j] = kinds[j] == EMPTY
                j += 1
            i = j
            continue
        if kinds[i] == FORWARD:
            break
        i += 1

    # 2. Cut at the first boundary after the sender's own text.
    seen_text = False
    cut = stop = len(lines)
    for i, kind in enumerate(kinds):
        if not keep[i]:
            continue
        if kind == FORWARD:
            if not trim_forwarded:
                stop = i
                break  # everything from here on is the forwarded message: keep it
            if seen_text:
                cut = i
                break
        elif kind == TEXT:
            seen_text = True
        elif not seen_text:
            continue
        elif kind in (DELIM, SIGN) or _header_block_at(kinds, lines, i):
            cut = i
            break
        elif kind == ATTRIB:
            if _is_inline_reply(kinds, i + 1):
                keep[i] = False
                continue
            cut = i
            break
    for i in range(cut, len(lines)):
        keep[i] = False

    # 3. Quotes trailing the reply are history too (top-posting over a quote).
    if any(keep[i] and kinds[i] == TEXT for i in range(len(lines))):
        for i in range(min(cut, stop) - 1, -1, -1):
            if not keep[i] or kinds[i] == EMPTY:
                continue
            if kinds[i] in (QUOTE, ATTRIB):
                keep[i] = False
            else:
                break
    elif not any(keep[i] and kinds[i] == QUOTE and _unquote(lines[i]).strip()
                 and not _is_attribution(_unquote(lines[i])) for i in range(len(lines))):
        # only quote markers and "On ... wrote:" lines: nothing was written
        keep = [False] * len(lines)

    kept = [i for i in range(len(lines)) if keep[i]]
    while kept and kinds[kept[-1]] == EMPTY:  # also drops lone invisible marks
        kept.pop()
    while kept and kinds[kept[0]] == EMPTY:
        kept.pop(0)
    reply = "\n".join(lines[i] for i in kept).rstrip()
    rest = "\n".join(line for line, k in zip(lines, keep) if not k)
    return reply, re.sub(r"^(\s*\n)+", "", rest).rstrip()
