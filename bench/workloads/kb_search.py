"""`kb_search`: knowledge-base search (knowledge.selectors.article_search) over N articles.

N is the scale, capped at MAX_ARTICLES: `all` runs at a million tickets, but a knowledge bank
holds thousands of articles, not millions. Missing articles are generated (Persian and English,
support-desk vocabulary, ZWNJ and Arabic-letter spellings, digits of both kinds) and loaded with
bulk_create in batches; the search vector is then built for all of them in one UPDATE from the
normalised columns, exactly as the service builds it for one article. Then ~200 searches of
mixed queries (Persian, English, spelling variants, as-you-type prefixes, typos that take the
trigram fallback) are timed with their results materialised, snippets included.
"""
import random
import statistics
import time
from html import escape

GOALS = {"p95_ms": ("<", 30, "ms")}
MAX_ARTICLES = 20_000
BATCH = 1_000
SEARCHES = 200
AUTHOR = "bench_kb_author"

FA_TOPICS = ("فاکتور فروش", "گزارش مالی", "پشتیبان‌گیری", "بازیابی اطلاعات", "حقوق و دستمزد", "انبار و موجودی کالا",
             "مالیات بر ارزش افزوده", "سند حسابداری", "تراز آزمایشی", "رمز عبور", "دسترسی کاربران", "چاپگر",
             "اتصال به شبکه", "نصب نرم‌افزار", "به‌روزرسانی نسخه", "قفل سخت‌افزاری", "خروجی اکسل", "سال مالی جدید",
             "بستن حساب‌ها", "مرکز هزینه", "چک‌های دریافتی", "صندوق و بانک", "قرارداد پشتیبانی", "پایگاه داده")
FA_VERBS = ("چگونه", "راهنمای", "رفع خطا در", "تنظیم", "آموزش", "مشکل", "پرسش‌های رایج درباره")
FA_SENTENCES = (
    "برای {t} ابتدا وارد منوی {u} شوید و گزینه {v} را انتخاب کنید.",
    "اگر پیغام خطای {n} نمایش داده می‌شود، نسخه {m} را نصب کنید.",
    "این کار فقط توسط مدیر سیستم انجام میشود و کاربران عادی دسترسی ندارند.",
    "در صورتی که {t} انجام نمی شود، تنظیمات {u} را بررسی کنید.",
    "پس از ذخیره، گزارش {v} در پوشه خروجی ساخته می‌شود.",
    "توجه: قبل از {t} حتماً از اطلاعات پشتیبان بگیرید.",
    "كاربراني كه به {u} دسترسي ندارند بايد با مدير تماس بگيرند.",  # Arabic ي and ك, as pasted from old documents
)
EN_TOPICS = ("sales invoices", "financial reports", "database backup", "data restore", "payroll", "warehouse stock",
             "VAT returns", "journal vouchers", "trial balance", "passwords", "user permissions", "printers",
             "network connection", "installation", "version upgrade", "hardware lock", "Excel export",
             "new fiscal year", "closing accounts", "cost centres", "received cheques", "cash and bank",
             "support contract", "the database server")
EN_VERBS = ("How to configure", "Troubleshooting", "Getting started with", "Fixing errors in", "FAQ:", "Setting up")
EN_SENTENCES = (
    "To manage {t}, open the {u} menu and choose {v}.",
    "If error {n} appears, install version {m} and restart the application.",
    "Only an administrator can change these settings; ordinary users cannot.",
    "When {t} fails, check the {u} settings and the connection to the server.",
    "After saving, the {v} report is written to the export folder.",
    "Note: always back up your data before {t}.",
)
MENUS_FA = ("فروش", "خرید", "انبار", "حسابداری", "تنظیمات", "گزارش‌ها", "ابزارها")
MENUS_EN = ("Sales", "Purchases", "Warehouse", "Accounting", "Settings", "Reports", "Tools")

QUERIES = [
    "فاکتور", "فاكتور", "چاپ فاکتور", "پشتیبان‌گیری", "پشتیبان گیری", "پشتیبانگیری", "میشود", "می شود", "نمی‌شود",
    "خطای ۵۰۰", "خطای 500", "خطای ٥٠٠", "نسخه ۲", "رمز عبور", "دسترسي كاربران", "تراز", "سال مالی", "خروجی اکسل",
    "مالیات", "قفل", "اتصال شبکه", "بازیابی", "حقوق", "انبار", "موجودی کالا", "سند", "چک", "بانک", "نصب", "به روزرسانی",
    "فاکت", "پشتی", "گزار",  # as-you-type prefixes
    "invoice", "invoices", "printing invoices", "backup", "restore data", "payroll", "password", "permissions",
    "error 500", "version upgrade", "excel export", "fiscal year", "trial balance", "VAT", "cheques", "network",
    "how to configure printers", "database server", "hardware lock", "inv", "pay", "ware",
    "فاکتر", "پشتیبانگری", "invoise", "databse", "pasword", "warehuose",  # typos: the trigram fallback
]


def _article_text(rng, language):
    if language == "fa":
        topic = rng.choice(FA_TOPICS)
        title = f"{rng.choice(FA_VERBS)} {topic}"
        menus, sentences = MENUS_FA, FA_SENTENCES
    else:
        topic = rng.choice(EN_TOPICS)
        title = f"{rng.choice(EN_VERBS)} {topic}"
        menus, sentences = MENUS_EN, EN_SENTENCES
    paragraphs = []
    for _ in range(rng.randint(3, 7)):
        paragraphs.append(" ".join(
            rng.choice(sentences).format(t=rng.choice(FA_TOPICS if language == "fa" else EN_TOPICS), u=rng.choice(menus),
                                         v=rng.choice(menus), n=rng.choice((404, 500, 1045, "۵۰۰", "۴۰۴")),
                                         m=f"{rng.randint(1, 9)}.{rng.randint(0, 9)}")
            for _ in range(rng.randint(2, 5))))
    return title, topic, "\n\n".join(paragraphs)


def ensure_articles(count: int) -> int:
    from customers.models import Role, User
    from django.db.models import F
    from django.utils import timezone
    from knowledge import markdown, normalize, search
    from knowledge.models import Article

    have = Article.objects.count()
    if have >= count:
        return have
    author, _created = User.objects.get_or_create(username=AUTHOR, defaults={"role": Role.AGENT, "email": f"{AUTHOR}@example.test"})
    rng = random.Random(have)
    batch = []
    for i in range(have, count):
        language = "fa" if i % 3 else "en"  # two Persian articles to one English
        title, topic, body = _article_text(rng, language)
        # Generated bodies are plain paragraphs, for which markdown.render() gives exactly this;
        # building it directly keeps the load ~5x faster (Python-Markdown costs ~1 ms an article).
        html = "\n".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n"))
        tags = [topic.split()[0]]
        batch.append(Article(
            title=f"{title} ({i})", slug=f"bench-{i}", language=language, visibility="internal" if i % 10 == 0 else "public",
            status="draft" if i % 25 == 0 else "published",
            published_at=None if i % 25 == 0 else timezone.now(), tags=tags, body=body, body_html=html, author=author,
            search_title=normalize.normalize(f"{title} {' '.join(tags)}"), search_body=normalize.normalize(markdown.to_text(html)),
            title_trigrams=normalize.trigrams(normalize.normalize(f"{title} {' '.join(tags)}"))))
        if len(batch) == BATCH:
            Article.objects.bulk_create(batch)
            batch = []
    Article.objects.bulk_create(batch)
    Article.objects.filter(search_vector__isnull=True).update(
        search_vector=search.vector_expression(F("search_title"), F("search_body"), search.config_expression()),
        title_vector=search.title_vector_expression(F("search_title"), search.config_expression()))
    from django.db import connection

    with connection.cursor() as cur:
        # The vector UPDATE left a dead copy of every row: vacuum it away, then plan from fresh stats.
        cur.execute("VACUUM ANALYZE knowledge_article")
    return Article.objects.count()


def _p(values, pct):
    return round(statistics.quantiles(values, n=100, method="inclusive")[pct - 1], 2)


def run(scale: int) -> dict:
    from knowledge.selectors import article_search

    wanted = min(scale, MAX_ARTICLES)
    started = time.monotonic()
    total = ensure_articles(wanted)
    load_s = round(time.monotonic() - started, 1)
    rng = random.Random(7)
    queries = [QUERIES[i % len(QUERIES)] for i in range(SEARCHES)]
    rng.shuffle(queries)
    for q in QUERIES[:5]:
        article_search(q, user=None)  # warm-up: connection, catalog caches, shared buffers
    timings, fallback, empty = [], 0, 0
    for q in queries:
        t0 = time.perf_counter()
        results = article_search(q, user=None, prefer_language="fa")
        _snippets = [str(a.snippet) for a in results]
        timings.append((time.perf_counter() - t0) * 1000)
        fallback += bool(results) and results[0].matched_by == "typo"
        empty += not results
    return {"p50_ms": _p(timings, 50), "p95_ms": _p(timings, 95), "max_ms": round(max(timings), 2), "searches": len(timings),
            "typo_fallbacks": fallback, "empty": empty, "articles": total, "load_s": load_s}
