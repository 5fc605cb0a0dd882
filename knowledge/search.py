"""The SQL side of search: how an article's search vector is built and how a query meets it.

Text reaches these expressions already normalised (knowledge/normalize.py), so PostgreSQL only
tokenises: 'simple' for Persian (no Persian stemmer ships with PostgreSQL, and 'simple' keeps
every word, where a Persian stop list would be guesswork), 'english' for English (stemming:
"printing invoices" finds "print an invoice"). Queries are run through both configurations,
since Persian articles mention English product words and the reader's language is not the
article's.
"""
import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Case, Value, When

from knowledge import normalize

# Titles (and tags) outrank the body: ts_rank's default weights are A=1.0, B=0.4, C=0.2, D=0.1.
TITLE_WEIGHT, BODY_WEIGHT = "A", "D"


def config_for(language: str) -> str:
    return "english" if language == "en" else "simple"


def config_expression():
    """The per-row configuration, for bulk updates that build every vector in one statement."""
    return Case(When(language="en", then=Value("english")), default=Value("simple"))


def vector_expression(title, body, config):
    """setweight(to_tsvector(cfg, title), 'A') || setweight(to_tsvector(cfg, body), 'D')."""
    return SearchVector(title, config=config, weight=TITLE_WEIGHT) + SearchVector(body, config=config, weight=BODY_WEIGHT)


def title_vector_expression(title, config):
    return SearchVector(title, config=config, weight=TITLE_WEIGHT)


_LATIN = re.compile(r"[a-z]")


def match_query(text: str, *, any_word: bool = False, prefix_last: bool = False):
    """The tsquery for `text`, or None when no searchable word is left.

    Search (any_word False) wants every word; suggestions from a ticket draft want any of them,
    ranked by how many and where they match. The English configuration only adds something
    (stems, stop words) for Latin words; a Persian-only query skips it and costs half as much.
    """
    terms = normalize.query_terms(text)
    if any_word:
        terms = terms[:MAX_SUGGEST_TERMS]
    raw = normalize.tsquery_text(terms, operator="|" if any_word else "&", prefix_last=prefix_last)
    if not raw:
        return None
    query = SearchQuery(raw, search_type="raw", config="simple")
    if any(_LATIN.search(term) for term in terms):
        query = query | SearchQuery(raw, search_type="raw", config="english")
    return query


# A ticket draft can be long; its first words carry the subject, and a tsquery of hundreds of
# alternatives costs more than it finds.
MAX_SUGGEST_TERMS = 24

# ts_headline marks matches with private-use characters, never with HTML: the snippet is then
# escaped whole and only our own <mark> tags are put back (the body text may contain "<").
MARK_START, MARK_STOP = "\ue000", "\ue001"
HEADLINE_OPTIONS = {"start_sel": MARK_START, "stop_sel": MARK_STOP, "max_words": 28, "min_words": 12,
                    "max_fragments": 2, "fragment_delimiter": " \u2026 "}


def snippet_html(snippet: str) -> str:
    """A headline as HTML: everything escaped, then our markers turned into <mark>."""
    import html

    return html.escape(snippet or "").replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
