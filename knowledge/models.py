"""The knowledge bank: categories, articles (fa/en, public/internal, draft/published), their
revisions, files, events (views, votes, suggestions, deflections) and links from tickets.

Every index here exists for a query in selectors.py; their names say which.
"""
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGES = [("fa", "فارسی"), ("en", "English")]


class Category(models.Model):
    """One level of nesting: a category may have a parent, which may not have one itself."""

    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               limit_choices_to={"parent__isnull": True}, verbose_name=_("parent"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The name in the reader's language, when an English one was given."""
        if self.name_en and (get_language() or "fa").startswith("en"):
            return self.name_en
        return self.name

    def get_absolute_url(self):
        return reverse("kb:category", kwargs={"slug": self.slug})

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent_id == self.pk or self.parent.parent_id is not None:
            raise ValidationError({"parent": _("Categories nest one level deep: choose a top-level parent.")})
        if self.pk and self.children.exists():
            raise ValidationError({"parent": _("This category has subcategories, so it must stay at the top level.")})


class Article(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        INTERNAL = "internal", _("Internal (staff only)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=120, allow_unicode=True, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles", verbose_name=_("category"))
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="fa")
    # Versions in other languages point at one original, so a set of translations is one query.
    translation_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="translations",
                                       verbose_name=_("translation of"))
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    products = models.ManyToManyField("customers.Product", blank=True, related_name="articles", verbose_name=_("products"))
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True, verbose_name=_("tags"))
    body = models.TextField(_("text (Markdown)"), blank=True)
    # Rendered and sanitised on every save (knowledge/markdown.py): pages show it as-is.
    body_html = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    source_ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      editable=False, verbose_name=_("drafted from ticket"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    # The search columns, written by services.article_reindex from normalize.normalize(): the
    # same spelling queries are turned into. search_title (title + tags) also feeds the typo fallback.
    search_title = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # Titles alone, for the first stage of a search: title hits are found through their own small
    # GIN index without reading any body vector (see selectors.article_search).
    title_vector = SearchVectorField(null=True, editable=False)
    # Word trigrams of search_title (normalize.trigrams) for the typo fallback; see there why not pg_trgm.
    title_trigrams = ArrayField(models.CharField(max_length=12), default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            GinIndex(fields=["search_vector"], name="article_search_gin"),
            GinIndex(fields=["title_vector"], name="article_title_gin"),
            GinIndex(fields=["title_trigrams"], name="article_title_trigrams"),
            # category pages and "recent" lists, readers' scope first
            models.Index(fields=["status", "visibility", "category", "-published_at"], name="article_listing"),
            models.Index(fields=["author", "status", "-updated_at"], name="article_author"),
            GinIndex(fields=["tags"], name="article_tags_gin"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.slug:
            return reverse("kb:article", kwargs={"pk": self.pk, "slug": self.slug})
        return reverse("kb:article_short", kwargs={"pk": self.pk})

    @property
    def dir(self):
        return "rtl" if self.language == "fa" else "ltr"

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.visibility == self.Visibility.PUBLIC


PUBLIC_Q = Q(status=Article.Status.PUBLISHED, visibility=Article.Visibility.PUBLIC)


class ArticleRevision(models.Model):
    """What the article said after each save, and who saved it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(_("title"), max_length=250)
    body = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [models.Index(fields=["article", "-created_at", "-id"], name="revision_article_time")]


def article_file_path(instance, filename):
    return f"kb/{instance.article_id % 1000:03d}/{instance.article_id}/{filename}"


class ArticleAttachment(models.Model):
    """An image or file of an article; served only to readers who may read the article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=article_file_path, max_length=500)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=200, default="application/octet-stream")
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("article file")
        verbose_name_plural = _("article files")

    def __str__(self):
        return self.filename

    @property
    def is_image(self):
        return self.content_type in IMAGE_TYPES

    def get_absolute_url(self):
        return reverse("kb:file", kwargs={"pk": self.pk, "filename": self.filename})


# Shown inline; anything else (SVG included: it can carry script) downloads as an attachment.
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


class ArticleEvent(models.Model):
    """Views, suggestions, clicks on suggestions, votes and deflections: the manager's report
    and /kb/stats/ aggregate these rows in SQL. Its shape is shared with the dashboard."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed")
        SUGGESTED = "suggested", _("Suggested")
        SUGGEST_CLICK = "suggest_click", _("Opened from a suggestion")
        HELPFUL = "helpful", _("Helpful")
        NOT_HELPFUL = "not_helpful", _("Not helpful")
        DEFLECTED = "deflected", _("Deflected a ticket")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    session_key = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("article event")
        verbose_name_plural = _("article events")
        indexes = [
            models.Index(fields=["kind", "created_at"], name="articleevent_kind_time"),
            models.Index(fields=["article", "kind"], name="articleevent_article_kind"),
        ]
        constraints = [
            # One vote per reader: a signed-in user, else a browser session. The database keeps
            # it true under double clicks; the service turns the conflict into "already voted".
            models.UniqueConstraint(fields=["article", "user"], name="articleevent_one_vote_per_user",
                                    condition=Q(kind__in=["helpful", "not_helpful"], user__isnull=False)),
            models.UniqueConstraint(fields=["article", "session_key"], name="articleevent_one_vote_per_session",
                                    condition=Q(kind__in=["helpful", "not_helpful"], user__isnull=True) & ~Q(session_key="")),
        ]


class TicketArticleLink(models.Model):
    """An agent put this article into a reply on this ticket."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="article_links")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ticket_links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ticket's article link")
        verbose_name_plural = _("tickets' article links")
        indexes = [models.Index(fields=["article", "created_at"], name="ticketarticlelink_article")]
        constraints = [models.UniqueConstraint(fields=["ticket", "article"], name="ticketarticlelink_unique")]
