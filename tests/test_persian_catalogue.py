"""The Persian catalogue is complete: every user-facing string has a reviewed translation."""
import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "locale" / "fa" / "LC_MESSAGES" / "django.po"


def entries():
    text = PO.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        msgid = "".join(re.findall(r'^(?:msgid|msgid_plural)?\s*"(.*)"$', block.split("msgstr")[0], re.M))
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        yield block, msgid, ["".join([a, *re.findall(r'"(.*)"', b)]) for a, b in msgstrs]


def test_no_string_is_left_untranslated_or_fuzzy():
    missing = [msgid for block, msgid, strs in entries() if msgid and (not strs or not all(strs))]
    fuzzy = [msgid for block, msgid, _ in entries() if "#, fuzzy" in block]
    assert missing == [] and fuzzy == []


def test_placeholders_survive_translation():
    pattern = re.compile(r"%\(\w+\)[sd]|%[sd]")
    wrong = []
    for block, msgid, strs in entries():
        expected = set(pattern.findall(msgid))  # singular and plural together, for plural entries
        for text in strs:
            found = set(pattern.findall(text))
            if found != expected and not ("msgid_plural" in block and found <= expected):
                wrong.append(msgid)
    assert wrong == []


def test_compiled_catalogue_is_what_django_serves():
    with translation.override("fa"):
        assert translation.gettext("Log in") != "Log in"
        assert translation.gettext("Knowledge base") == "پایگاه دانش"
