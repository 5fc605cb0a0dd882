"""Persian/English text normalisation for search. PURE: no Django, no database.

The same function runs over article text when it is saved and over every query, so the two
meet in one spelling: Arabic ي/ى/ك become Persian ی/ک, Arabic-Indic and Persian digits become
ASCII, harakat and tatweel go, and the half-space (ZWNJ) question is settled by joining:
«می‌شود», «میشود» and «می شود» all become «میشود». Typing a ZWNJ is the exception, not the rule,
so a document written with it and a query written without it (or with a space) must agree.
"""
import re
import unicodedata

ZWNJ = "\u200c"

# Letters that Arabic keyboards and old fonts produce for their Persian look-alikes.
_LETTERS = {
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی
    "\u0649": "\u06cc",  # ى alef maksura -> ی
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک
    "\u0629": "\u0647",  # ة teh marbuta -> ه
    "\u06c0": "\u0647",  # ۀ heh with yeh above -> ه (often written ه‌ی)
    "\u0623": "\u0627",  # أ -> ا
    "\u0625": "\u0627",  # إ -> ا
    "\u0671": "\u0627",  # ٱ -> ا
    "\u0624": "\u0648",  # ؤ -> و
    "\u066b": ".",  # ٫ Arabic decimal separator: ۲٫۵ is 2.5
    "\u066c": ",",  # ٬ Arabic thousands separator
}
_DIGITS = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")} | {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
# Harakat (U+064B..U+065F), superscript alef, tatweel: decoration, never meaning in search.
_DROP = {cp: None for cp in [*range(0x064B, 0x0660), 0x0670, 0x0640]}
# Invisible joiners and direction marks (ZWNJ is handled on its own below).
_DROP |= {cp: None for cp in (0x200D, 0x200E, 0x200F, 0x061C, 0xFEFF, 0x00AD, 0x2066, 0x2067, 0x2068, 0x2069)}
# Non-ASCII punctuation, symbols, odd spaces and controls become spaces: PostgreSQL's parser reads
# any non-ASCII character as a letter under some locales, so «»،؛؟ would stick to the words
# around them. ASCII punctuation it handles itself (e-mail, v2.3). Built once: translate() is C.
_SPACE_OUT = {cp: " " for cp in [*range(0x80, 0x10000), *range(0x1F000, 0x1FB00)]
              if unicodedata.category(chr(cp))[0] in "PSZC" and cp != 0x200C}
_TABLE = str.maketrans({**_SPACE_OUT, **{ord(k): v for k, v in _LETTERS.items()}, **_DIGITS, **_DROP})

_PERSIAN = "\u0600-\u06ff"
# Verb prefixes and plural/comparative suffixes that people write joined, half-spaced or spaced.
_PREFIX_SPACE = re.compile(rf"(?<![{_PERSIAN}])(ن?می) (?=[{_PERSIAN}])")
_SUFFIX_SPACE = re.compile(rf"(?<=[{_PERSIAN}]) (ها|های|هایی|هایم|هایت|هایش|هایمان|هایتان|هایشان|تر|ترین)(?![{_PERSIAN}])")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """The one spelling that documents and queries are searched in (single spaces). Case is kept:
    PostgreSQL folds it itself, and snippets shown to readers keep the author's capitals."""
    if not text:
        return ""
    # NFKC folds Arabic presentation forms (ﻙ, ﻻ ...) and full-width Latin to their base letters.
    text = unicodedata.normalize("NFKC", text).translate(_TABLE)
    text = text.replace(ZWNJ, "")
    text = _SPACES.sub(" ", text).strip()
    text = _PREFIX_SPACE.sub(r"\1", text)
    text = _SUFFIX_SPACE.sub(r"\1", text)
    return text


_WORD = re.compile(r"\w+")
# Words a query can drop without losing its meaning ("how do I print an invoice" -> print invoice).
PERSIAN_STOPWORDS = frozenset(normalize(w) for w in """
و در به از که را با این آن برای تا یا هم اما اگر چه چرا چگونه چطور چطوری کجا کی آیا است هست نیست
بود شد شود میشود میشه کنم کنیم کنید کند کرد کردم کردن میکنم میخواهم میخوام باید نمی نمیشود یک
من ما شما او آنها ایشان خود سلام لطفا ممنون مرسی وقت بخیر روز بر روی پس هر همه
""".split())
ENGLISH_STOPWORDS = frozenset("""
a an the and or but if to of in on at for with by from is are was were be been am i you we he she
it they my your our how do does did can could should would what why when where which who not no
this that these those there here please hi hello thanks thank me us
""".split())


def query_terms(text: str, *, drop_stopwords: bool = True) -> list[str]:
    """A query's words in document spelling, stop words dropped unless nothing else is left."""
    words = _WORD.findall(normalize(text).casefold())
    seen, out = set(), []
    for word in words:
        if word not in seen:
            seen.add(word)
            out.append(word)
    if drop_stopwords:
        kept = [w for w in out if w not in PERSIAN_STOPWORDS and w not in ENGLISH_STOPWORDS]
        return kept or out
    return out


def tsquery_text(terms: list[str], *, operator: str = "&", prefix_last: bool = False) -> str:
    """to_tsquery() input built from words only (\\w+), so no user text reaches its syntax.

    With "&", two neighbouring Persian words may also match written together: «پشتیبان گیری»
    finds «پشتیبان‌گیری» (indexed as «پشتیبانگیری»), since a space where the author put a
    half-space is the commonest Persian spelling variant. Each word must be present on its own
    or joined to a neighbour.
    """
    terms = [t for t in terms if _WORD.fullmatch(t)]
    last = len(terms) - 1

    def lexeme(word, i):
        return f"'{word}':*" if prefix_last and i == last else f"'{word}'"

    if operator != "&":
        return f" {operator} ".join(lexeme(t, i) for i, t in enumerate(terms))
    units = []
    for i, term in enumerate(terms):
        options = [lexeme(term, i)]
        if i > 0 and _is_persian(terms[i - 1]) and _is_persian(term):
            options.append(lexeme(terms[i - 1] + term, i))
        if i < last and _is_persian(term) and _is_persian(terms[i + 1]):
            options.append(lexeme(term + terms[i + 1], i + 1))
        units.append(options[0] if len(options) == 1 else "(" + " | ".join(options) + ")")
    return " & ".join(units)


def _is_persian(word: str) -> bool:
    return bool(_PERSIAN_LETTER.search(word))


_PERSIAN_LETTER = re.compile(r"[\u0600-\u06ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def guess_language(text: str, default: str = "fa") -> str:
    """'fa' when Persian letters outnumber Latin ones, 'en' when Latin ones do."""
    fa = len(_PERSIAN_LETTER.findall(text or ""))
    en = len(_LATIN_LETTER.findall(text or ""))
    if fa == en:
        return default
    return "fa" if fa > en else "en"


def trigrams(text: str) -> list[str]:
    """The word trigrams of already-normalised text, as pg_trgm makes them ("  w", " wo", "wor",
    "ord", "rd "): computed here and stored in an indexed array, so the typo fallback works on any
    PostgreSQL, including the embedded one, which ships without the pg_trgm extension."""
    grams = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return sorted(grams)
