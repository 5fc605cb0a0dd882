"""knowledge/normalize.py is pure: these tests need no database."""
import pytest

from knowledge.normalize import guess_language, normalize, query_terms, tsquery_text


@pytest.mark.parametrize("variant", ["می‌شود", "میشود", "می شود", "مي‌شود", "مي شود", "می\u200c\u200cشود"])
def test_zwnj_joined_and_spaced_forms_of_a_verb_share_one_spelling(variant):
    assert normalize(variant) == "میشود"


def test_negative_verb_prefix_is_joined_like_the_positive_one():
    assert normalize("نمی شود") == normalize("نمی‌شود") == normalize("نمیشود") == "نمیشود"


def test_plural_suffix_written_apart_or_half_spaced_is_joined():
    assert normalize("فاکتور ها") == normalize("فاکتور‌ها") == normalize("فاکتورها")
    assert normalize("گزارش های مالی") == "گزارشهای مالی"


def test_arabic_yeh_and_kaf_become_persian_letters():
    assert normalize("كتاب عربي") == "کتاب عربی"
    assert normalize("مصطفى") == "مصطفی"


@pytest.mark.parametrize("digits", ["۱۴۰۳", "١٤٠٣", "1403"])
def test_persian_and_arabic_digits_become_ascii(digits):
    assert normalize(f"نسخه {digits}") == "نسخه 1403"


def test_arabic_decimal_separator_reads_as_a_point():
    assert normalize("نسخه ۲٫۵") == "نسخه 2.5"


def test_harakat_and_tatweel_are_removed():
    assert normalize("مُحَمَّد") == "محمد"
    assert normalize("فاکـــتور") == "فاکتور"
    assert normalize("کتابٌ") == "کتاب"


def test_persian_punctuation_does_not_stick_to_words():
    assert normalize("«فاکتور»، چاپ؟ بله؛") == "فاکتور چاپ بله"


def test_direction_marks_and_presentation_forms_are_folded():
    assert normalize("\u200fسلام\u200e") == "سلام"
    assert normalize("ﻛﺘﺎﺏ") == "کتاب"  # Arabic presentation forms from old PDFs


def test_english_text_keeps_its_words_and_capitals():
    assert normalize("  Printing   Invoices\tin Excel ") == "Printing Invoices in Excel"


def test_words_inside_persian_words_are_not_split_or_joined_by_mistake():
    # «تمامی» ends in «می» but is not a verb prefix; «بهتر» already contains «تر».
    assert normalize("تمامی شرکت ها بهتر") == "تمامی شرکتها بهتر"


def test_query_terms_drop_stop_words_in_both_languages():
    assert query_terms("چگونه فاکتور را چاپ کنم؟") == ["فاکتور", "چاپ"]
    assert query_terms("How do I print an invoice") == ["print", "invoice"]


def test_query_terms_keep_stop_words_when_nothing_else_is_left():
    assert query_terms("how to") == ["how", "to"]


def test_tsquery_text_cannot_carry_query_syntax_from_user_input():
    raw = tsquery_text(query_terms("it's ' | !x & (y:* <-> 'z"), prefix_last=True)
    assert raw == "'s' & 'x' & 'y' & 'z':*"  # 'it' is a stop word


def test_tsquery_text_with_no_words_is_empty():
    assert tsquery_text(query_terms("?!«»")) == ""


def test_guess_language_by_letters():
    assert guess_language("چاپ فاکتور در Excel") == "fa"
    assert guess_language("Print the invoice from the سامانه") == "en"
    assert guess_language("12345") == "fa"


def test_neighbouring_persian_words_may_also_match_written_together():
    assert tsquery_text(["پشتیبان", "گیری"]) == "('پشتیبان' | 'پشتیبانگیری') & ('گیری' | 'پشتیبانگیری')"


def test_english_neighbours_are_not_joined():
    assert tsquery_text(["print", "invoice"], prefix_last=True) == "'print' & 'invoice':*"


def test_trigrams_are_padded_per_word_like_pg_trgm():
    from knowledge.normalize import trigrams

    assert trigrams("cat") == sorted({"  c", " ca", "cat", "at "})
    assert set(trigrams("فاکتور چاپ")) >= {"  ف", " فا", "فاک", "چاپ", "اپ "}
    assert trigrams("") == []
