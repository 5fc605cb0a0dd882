"""Every read of the knowledge bank that matters, each scoped to what its reader may see.

Customers and anonymous readers see published public articles only; staff also see internal
ones (and drafts, by direct URL and in their own lists). Nothing outside a reader's scope is
listed, searched, suggested or served: a direct URL to it is a 404.
"""
from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db.models import FloatField
from django.db.models.expressions import RawSQL
from django.db.models import Case, Count, F, IntegerField, Q, Subquery, Value, When
from django.db.models.functions import Left
from django.http import Http404
from django.utils.safestring import mark_safe

from customers import roles
from knowledge import normalize, search
from knowledge.models import PUBLIC_Q, Article, ArticleEvent, ArticleRevision, Category, TicketArticleLink

# Big columns a list never shows.
LIST_DEFER = ("body", "body_html", "search_body", "search_vector", "title_vector")
# What a search result shows (fewer columns: less SQL to build, fewer bytes to read).
RESULT_FIELDS = ("id", "title", "slug", "language", "visibility", "status", "published_at", "category__name",
                 "category__name_en", "category__slug")
SUGGEST_MIN_CHARS = 12  # "printer" alone says too little to suggest an answer


def article_scope(user, *, prefix: str = "", drafts: bool = False) -> Q:
    """The articles `user` may read, as a filter (prefix it to filter through a relation)."""
    if roles.is_staff_user(user):
        q = Q() if drafts else Q(status=Article.Status.PUBLISHED)
    else:
        q = PUBLIC_Q
    return Q(**{prefix + key: value for key, value in q.children}) if prefix and q.children else q


def article_get_for_reader(user, pk) -> Article:
    """The article at a direct URL, or 404 when `user` may not read it (drafts: staff only)."""
    try:
        return (Article.objects.select_related("category", "category__parent", "author", "translation_of")
                .prefetch_related("products", "attachments").get(article_scope(user, drafts=True), pk=pk))
    except (Article.DoesNotExist, ValueError):
        raise Http404("no such article") from None


def article_get_for_staff(user, pk) -> Article:
    roles.require_staff(user)
    return article_get_for_reader(user, pk)


def article_translations(article, user) -> list:
    """The other language versions `user` may read: the original and its translations."""
    original_id = article.translation_of_id or article.pk
    return list(Article.objects.filter(article_scope(user), Q(pk=original_id) | Q(translation_of_id=original_id))
                .exclude(pk=article.pk).only("id", "slug", "title", "language"))


def _language_first(language):
    if not language:
        return Value(0, output_field=IntegerField())
    return Case(When(language=language, then=Value(0)), default=Value(1), output_field=IntegerField())


def article_search(query, *, user, language=None, limit=10, public_only=False, prefer_language=None) -> list:
    """Full-text search, title over body, with highlighted snippets; typo fallback by trigram.

    `language` restricts results to one language; `prefer_language` only sorts it first.
    Each result carries `.rank`, `.snippet` (safe HTML) and `.matched_by` ("text" or "typo").
    At most three queries, whatever the number of articles.
    """
    scope = PUBLIC_Q if public_only else article_scope(user)
    if language:
        scope &= Q(language=language)
    tsquery = search.match_query(query, prefix_last=True)
    if tsquery is None:
        return []
    # Stage 1: title hits, through the titles' own small index; they outrank any body-only hit.
    results = _ranked(Article.objects.filter(scope, title_vector=tsquery), "title_vector", tsquery, prefer_language, limit)
    if len(results) < limit:
        # Stage 2: body hits. Ranking reads each hit's body vector, and a word like «میشود» is in
        # most articles: only the first BODY_CANDIDATES hits are ranked (all of them for any
        # word rare enough to be worth ranking), so the cost stays flat as the bank grows.
        candidates = (Article.objects.filter(scope, search_vector=tsquery).exclude(pk__in=[a.pk for a in results])
                      .values("pk")[:BODY_CANDIDATES])
        results += _ranked(Article.objects.filter(pk__in=Subquery(candidates)), "search_vector", tsquery, prefer_language,
                           limit - len(results))
    for article in results:
        article.snippet, article.matched_by = mark_safe(search.snippet_html(article.headline)), "text"
    if results:
        return results
    return _typo_fallback(query, scope, limit, prefer_language)


BODY_CANDIDATES = 200


def _ranked(qs, vector, tsquery, prefer_language, limit) -> list:
    # ts_headline runs after the sort and limit (PostgreSQL postpones costly output columns).
    return list(qs.only(*RESULT_FIELDS).select_related("category")
                .annotate(rank=SearchRank(F(vector), tsquery, cover_density=True), lang_first=_language_first(prefer_language),
                          headline=SearchHeadline("search_body", tsquery, config=search.config_expression(), **search.HEADLINE_OPTIONS))
                .order_by("lang_first", "-rank", "-published_at", "-id")[:limit])


# At least this share of the query's trigrams must appear in a title for it to count as a typo match.
TYPO_MIN_SHARE = 0.45


def _typo_fallback(query, scope, limit, prefer_language) -> list:
    """No article has these words: the titles sharing the most word trigrams with the query
    (a GIN index on the stored trigram array finds candidates; the share of the query's trigrams
    found ranks them, like pg_trgm's word similarity)."""
    text = normalize.normalize(query)
    if len(text) < 3:
        return []
    grams = normalize.trigrams(text)
    # Candidates by the trigrams inside words: the padded ones ("  i", " in", "ng ") occur in most
    # titles, and with them a quarter of 20,000 articles were candidates to rank one by one. A
    # title sharing only padded trigrams shares first and last letters, not a misspelt word.
    probe = [g for g in grams if " " not in g] or grams
    shared = RawSQL("(SELECT count(*) FROM unnest(knowledge_article.title_trigrams) g WHERE g = ANY(%s::varchar[]))::float / %s",
                    (grams, len(grams)), output_field=FloatField())
    qs = (Article.objects.filter(scope, title_trigrams__overlap=probe).defer(*LIST_DEFER).select_related("category")
          .annotate(rank=shared, lang_first=_language_first(prefer_language), excerpt=Left("search_body", 220))
          .filter(rank__gte=TYPO_MIN_SHARE).order_by("lang_first", "-rank", "-id")[:limit])
    results = list(qs)
    for article in results:
        article.snippet, article.matched_by = article.excerpt, "typo"
    return results


def article_suggest(subject, body, *, user, language=None, limit=5) -> list:
    """Public published articles for a ticket being written: any of its words, the reader's
    language first. Nothing when the text is still too short to mean anything."""
    text = normalize.normalize(f"{subject or ''} {body or ''}")
    if len(text) < SUGGEST_MIN_CHARS:
        return []
    # The subject leads: its words come first, and query_terms keeps the first MAX_SUGGEST_TERMS.
    tsquery = search.match_query(text, any_word=True)
    if tsquery is None:
        return []
    return list(Article.objects.filter(PUBLIC_Q, search_vector=tsquery).defer(*LIST_DEFER)
                .annotate(rank=SearchRank(F("search_vector"), tsquery, cover_density=False), lang_first=_language_first(language))
                .order_by("lang_first", "-rank", "-id")[:limit])


def category_tree(user) -> list:
    """Top-level categories, each with `.subcategories` and `.count` of readable articles: one query."""
    cats = list(Category.objects.annotate(count=Count("articles", filter=article_scope(user, prefix="articles__")))
                .order_by("position", "name"))
    by_parent = {}
    for cat in cats:
        by_parent.setdefault(cat.parent_id, []).append(cat)
    top = by_parent.get(None, [])
    for cat in top:
        cat.subcategories = by_parent.get(cat.pk, [])
        cat.total = cat.count + sum(c.count for c in cat.subcategories)
    return top


def category_get(slug) -> Category:
    try:
        return Category.objects.select_related("parent").get(slug=slug)
    except Category.DoesNotExist:
        raise Http404("no such category") from None


def articles_in_category(category, user, *, limit=100) -> list:
    """The category's readable articles and its subcategories' ones, newest first."""
    in_cat = Q(category=category) | Q(category__parent=category)
    return list(Article.objects.filter(article_scope(user), in_cat).defer(*LIST_DEFER).select_related("category")
                .order_by("-published_at", "-id")[:limit])


def articles_recent(user, *, language=None, limit=8) -> list:
    return list(Article.objects.filter(article_scope(user)).defer(*LIST_DEFER).select_related("category")
                .annotate(lang_first=_language_first(language)).order_by("lang_first", "-published_at", "-id")[:limit])


def articles_for_editing(user, *, limit=30) -> list:
    """Drafts and recently changed articles, for staff."""
    roles.require_staff(user)
    return list(Article.objects.defer(*LIST_DEFER).select_related("updated_by", "category")
                .order_by(Case(When(status=Article.Status.DRAFT, then=0), default=1), "-updated_at", "-id")[:limit])


def article_revisions(article, *, limit=50) -> list:
    return list(ArticleRevision.objects.filter(article=article).select_related("author").order_by("-created_at", "-id")[:limit])


def kb_stats(*, since, limit=10) -> dict:
    """The staff report: most linked from tickets, most viewed, most helpful, and totals (4 queries)."""
    def top(qs):
        return list(qs.values("article_id", "article__title", "article__language").annotate(n=Count("id")).order_by("-n")[:limit])

    Kind = ArticleEvent.Kind
    events = ArticleEvent.objects.filter(created_at__gte=since)
    helpful = list(events.filter(kind__in=[Kind.HELPFUL, Kind.NOT_HELPFUL])
                   .values("article_id", "article__title", "article__language")
                   .annotate(helpful=Count("id", filter=Q(kind=Kind.HELPFUL)), not_helpful=Count("id", filter=Q(kind=Kind.NOT_HELPFUL)))
                   .order_by("-helpful", "not_helpful")[:limit])
    totals = {row["kind"]: row["n"] for row in events.values("kind").annotate(n=Count("id")).order_by()}
    return {
        "linked": top(TicketArticleLink.objects.filter(created_at__gte=since)),
        "viewed": top(events.filter(kind=Kind.VIEW)),
        "helpful": helpful,
        "totals": {kind: totals.get(kind, 0) for kind in Kind.values},
    }


def same_reader(user, session_key) -> Q:
    """Events of one reader: a signed-in user, else an anonymous browser session."""
    if user is not None and user.is_authenticated:
        return Q(user=user)
    return Q(user__isnull=True, session_key=session_key)


def attachment_get_for_reader(user, pk):
    """A file of an article `user` may read, else 404 (files of internal articles stay internal)."""
    from knowledge.models import ArticleAttachment

    try:
        return ArticleAttachment.objects.get(pk=pk, article__in=Article.objects.filter(article_scope(user, drafts=True)))
    except (ArticleAttachment.DoesNotExist, ValueError):
        raise Http404("no such file") from None


def reader_has_voted(article, *, user, session_key) -> bool:
    if not (user and user.is_authenticated) and not session_key:
        return False
    return ArticleEvent.objects.filter(same_reader(user, session_key), article=article,
                                       kind__in=[ArticleEvent.Kind.HELPFUL, ArticleEvent.Kind.NOT_HELPFUL]).exists()
