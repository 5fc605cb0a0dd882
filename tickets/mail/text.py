"""Bytes and HTML to readable text: charset decoding with fallbacks, sanitising, HTML to text.
PURE: no Django, no I/O. Split out of parse.py, which walks the MIME structure and uses these."""
from __future__ import annotations

import codecs
import re

import chardet
import nh3
from inscriptis import get_text
from inscriptis.model.config import ParserConfig
from inscriptis.model.tag import CustomHtmlTagHandlerMapping

_ALIASES = {"iso-8859-6-i": "iso8859_6", "iso-8859-6-e": "iso8859_6", "iso-8859-8-i": "iso8859_8",
            "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "ks_c_5601-1987": "cp949",
            "unicode-1-1-utf-7": "utf-7", "x-mac-arabic": "mac_arabic", "windows-874": "cp874"}
# A declared Latin-1/ASCII label is the one most often wrong (clients default to
# it), so those are checked against UTF-8 and the detector rather than trusted.
_SUSPECT = {"ascii", "iso8859-1", "cp1252", "iso8859-15"}  # codecs.lookup() names
# Restricting the detector to what this helpdesk's senders really use makes it
# far more reliable on short texts than an open-ended guess.
_DETECT_SET = ["utf-8", "windows-1256", "iso-8859-6", "koi8-r", "windows-1251", "windows-1252"]
_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")
_HIGH = bytes(range(128, 256))


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        info = codecs.lookup(_ALIASES.get(label, label))
    except (LookupError, ValueError):
        return None
    # codecs.lookup also knows base64/rot13/zlib; those are not text charsets
    return info.name if getattr(info, "_is_text_encoding", True) else None


def _detect(data: bytes) -> str | None:
    # ASCII (markup, URLs) drowns the signal on short texts: feed the 8-bit runs
    sample = b" ".join(_NON_ASCII_RUN.findall(data))[:20000]
    guess = chardet.detect(sample, include_encodings=_DETECT_SET)
    return _codec(guess.get("encoding")) if guess.get("confidence", 0) > 0 else None


def _runs_like_words(data: bytes) -> bool:
    """True when 8-bit bytes come in word-long runs, as in Arabic or Cyrillic text.

    Real Latin-1 text puts one or two accented letters inside ASCII words, so a
    Latin label over long 8-bit runs is the signature of a mislabelled message.
    """
    runs = _NON_ASCII_RUN.findall(data)
    total = sum(map(len, runs))
    return total > 0 and sum(len(r) for r in runs if len(r) >= 3) / total >= 0.6


def decode_text(data: bytes, declared: str | None) -> tuple[str, list[str]]:
    """Decode bytes of a body or header; never raises, never drops text silently.

    Order: the declared charset strictly, then UTF-8, then the detector, and
    only as a last resort replacement characters (with a defect saying so).
    """
    defects: list[str] = []
    codec = _codec(declared)
    if declared and codec is None:
        defects.append(f"unknown charset {declared!r}")
    if data.isascii():
        return data.decode("ascii"), defects
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)) and codec in _SUSPECT | {None}:
        try:  # a byte-order mark outranks a missing or default label
            return data.decode("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-16"), defects
        except UnicodeDecodeError:
            pass
    if codec and codec not in _SUSPECT:
        try:
            return data.decode(codec), defects
        except UnicodeDecodeError:
            defects.append(f"text is not valid {declared}")
    if codec != "utf-8":
        try:
            text = data.decode("utf-8")
            if declared:
                defects.append(f"charset {declared!r} is wrong: decoded as utf-8")
            return text, defects
        except UnicodeDecodeError:
            pass
    utf8 = data.decode("utf-8", "replace")
    if codec == "utf-8" and utf8.count("\ufffd") * 20 < len(data) - len(data.translate(None, _HIGH)):
        # Mostly valid UTF-8 with a few broken bytes: a guess would garble it all
        defects.append("invalid utf-8 bytes replaced")
        return utf8, defects
    guess = _detect(data)
    # No label means us-ascii (RFC 2045), so it is as suspect as a Latin label
    latin = codec in _SUSPECT or codec is None
    if latin and not (guess and guess not in _SUSPECT and _runs_like_words(data)):
        if codec not in ("iso8859-1", "iso8859-15"):  # can't fail: no defect needed then
            defects.append(f"charset {declared or 'missing'!r}: decoded as windows-1252")
        return data.decode("cp1252" if codec in (None, "ascii", "cp1252") else codec, "replace"), defects
    if guess:
        try:
            text = data.decode(guess)
            defects.append(f"charset {declared or 'missing'!r}: decoded as {guess}")
            return text, defects
        except UnicodeDecodeError:
            pass
    defects.append("undecodable bytes replaced")
    return data.decode(codec or "utf-8", "replace"), defects


# ---- Headers ----


_URL_SCHEMES = nh3.ALLOWED_URL_SCHEMES | {"cid"}  # the app maps cid: to stored inline images
_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, "*": {"dir", "lang"}}  # keep RTL direction


def sanitize_html(html: str) -> str:
    return nh3.clean(html, url_schemes=_URL_SCHEMES, attributes=_ATTRIBUTES)


def _a_start(state, attrs: dict) -> None:
    href = (attrs.get("href") or "").strip()
    state.link_target = href if re.match(r"(?i)(https?|ftp)://", href) else ""


def _a_end(state) -> None:
    if state.link_target:
        state.tags[-1].write(f" ({state.link_target})")


_HTML_CONFIG = ParserConfig(
    display_links=True,
    custom_html_tag_handler_mapping=CustomHtmlTagHandlerMapping(
        start_tag_mapping={"a": _a_start}, end_tag_mapping={"a": _a_end}),
)


def html_to_text(html: str) -> str:
    """Readable text: paragraphs, line breaks, list bullets, links as "text (url)"."""
    try:
        text = get_text(html, _HTML_CONFIG)
    except Exception:  # lxml gives up on some binary junk: strip tags instead
        text = re.sub(r"<[^>]*>", " ", html)
    text = re.sub(r"(\S+) \(\1\)", r"\1", text)  # "https://x (https://x)" -> "https://x"
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# ---- MIME structure ----

# A small table instead of the mimetypes module, whose first use reads system files
