"""Search quality: Persian spelling variants, digits, English stemming, typos, ranking, snippets."""
import pytest

from knowledge.selectors import article_search
from tests.knowledge.kb_factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(agent_ali):
    return {
        "print_fa": article(agent_ali, "چاپ فاکتور فروش", "برای چاپ فاکتور از منوی فروش گزینه چاپ انتخاب می‌شود.\n\n"
                            "اگر خطای ۵۰۰ دیدید، نسخه ۲٫۵ را نصب کنید.", tags=["فاکتور"]),
        "backup_fa": article(agent_ali, "پشتیبان‌گیری از پایگاه داده", "هر شب پشتیبان گرفته میشود و فایل‌ها در پوشه backup ذخیره می شوند."),
        "print_en": article(agent_ali, "Printing invoices", "Open the Sales menu and choose *Print*. Error 500 means version 2.4 is installed.",
                            language="en"),
        "users_en": article(agent_ali, "Adding users", "An administrator adds users from Settings. Invoices are not affected.",
                            language="en"),
    }


def titles(results):
    return [a.title for a in results]


@pytest.mark.parametrize("query", ["می‌شود", "میشود", "می شود", "مي‌شود"])
def test_zwnj_spaced_and_arabic_variants_of_a_verb_find_the_same_articles(library, agent_ali, query):
    assert set(titles(article_search(query, user=None))) == {"چاپ فاکتور فروش", "پشتیبان‌گیری از پایگاه داده"}


@pytest.mark.parametrize("query", ["پشتیبان‌گیری", "پشتیبانگیری", "پشتیبان گیری", "پشتيبان گيري"])
def test_compound_word_with_half_space_none_or_space_finds_the_same_article(library, query):
    assert titles(article_search(query, user=None)) == ["پشتیبان‌گیری از پایگاه داده"]
    assert article_search(query, user=None)[0].matched_by == "text"


@pytest.mark.parametrize("query", ["فاکتور", "فاكتور", "فاکـتور", "فاکْتور"])
def test_arabic_kaf_tatweel_and_harakat_in_the_query_still_find_the_article(library, query):
    assert "چاپ فاکتور فروش" in titles(article_search(query, user=None))


@pytest.mark.parametrize("query", ["خطای ۵۰۰", "خطای ٥٠٠", "خطای 500"])
def test_persian_arabic_and_ascii_digits_find_the_same_article(library, query):
    assert titles(article_search(query, user=None)) == ["چاپ فاکتور فروش"]


def test_ascii_digits_in_a_query_find_persian_digits_in_any_language(library):
    assert set(titles(article_search("۵۰۰", user=None))) == {"چاپ فاکتور فروش", "Printing invoices"}


def test_english_words_are_stemmed(library):
    assert titles(article_search("printed invoice", user=None)) == ["Printing invoices"]
    assert titles(article_search("adding user", user=None)) == ["Adding users"]


def test_title_matches_rank_above_body_matches(library):
    # "invoices" is in one English title and in the other's body.
    assert titles(article_search("invoices", user=None)) == ["Printing invoices", "Adding users"]


def test_search_as_you_type_matches_the_last_word_as_a_prefix(library):
    assert titles(article_search("پشتیبان‌گی", user=None)) == ["پشتیبان‌گیری از پایگاه داده"]
    assert titles(article_search("Add", user=None)) == ["Adding users"]


def test_every_word_must_match_for_a_text_match(library):
    # No article has both words; what comes back is only the typo fallback on titles.
    assert all(a.matched_by == "typo" for a in article_search("printing users", user=None))
    assert titles(article_search("چاپ فاکتور", user=None)) == ["چاپ فاکتور فروش"]


def test_persian_typo_falls_back_to_similar_titles(library):
    results = article_search("فاکتر", user=None)
    assert titles(results) == ["چاپ فاکتور فروش"]
    assert results[0].matched_by == "typo"


def test_english_typo_falls_back_to_similar_titles(library):
    results = article_search("invoise", user=None)
    assert titles(results) == ["Printing invoices"]
    assert results[0].matched_by == "typo"


def test_unrelated_words_find_nothing(library):
    assert article_search("zebra giraffe", user=None) == []
    assert article_search("?!«»", user=None) == []


def test_snippet_highlights_matches_and_escapes_the_body(agent_ali):
    article(agent_ali, "Comparing values", "To compare use `a < b` with <b>care</b> <img src=x onerror=alert(1)>.", language="en")
    [found] = article_search("compare", user=None)
    assert "<mark>compare</mark>" in found.snippet
    assert "<img" not in found.snippet and "<b>" not in found.snippet
    assert "&lt; b" in found.snippet


def test_language_filter_and_preference(library):
    assert titles(article_search("۵۰۰", user=None, language="en")) == ["Printing invoices"]
    assert titles(article_search("۵۰۰", user=None, prefer_language="fa"))[0] == "چاپ فاکتور فروش"
    assert titles(article_search("۵۰۰", user=None, prefer_language="en"))[0] == "Printing invoices"


def test_editing_an_article_updates_its_search_document(library, agent_ali):
    from knowledge.services import article_save

    a = library["users_en"]
    article_save(a, actor=agent_ali, title="Adding colleagues", body="Invite a colleague by email.", language="en", status="published")
    assert titles(article_search("users", user=None)) == []
    assert titles(article_search("colleague", user=None)) == ["Adding colleagues"]


def test_tags_are_searchable(agent_ali):
    article(agent_ali, "Closing the fiscal year", "Steps for year end.", language="en", tags=["hesab-v5"])
    assert titles(article_search("hesab", user=None)) == ["Closing the fiscal year"]
