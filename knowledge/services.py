"""Every write to the knowledge bank: articles and their revisions, files, events, ticket links.

`article_save` is the one way an article changes (the admin goes through `article_saved`): it
renders and sanitises the body, writes a revision and refreshes the search columns, so the
index can never lag behind the text.
"""
import mimetypes
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from customers import roles
from knowledge import markdown, normalize, search
from knowledge.selectors import same_reader
from knowledge.models import (IMAGE_TYPES, Article, ArticleAttachment, ArticleEvent, ArticleRevision,
                              TicketArticleLink)

Kind = ArticleEvent.Kind
# A helpful vote counts as a deflection when the reader opened the article from a suggestion
# within this window: they were writing a ticket, read this, and left with an answer.
DEFLECTION_WINDOW = timedelta(hours=24)


class KnowledgeError(ValidationError):
    """Invalid input to a knowledge service; nothing was changed. The message is for the user."""


def _require_staff(user):
    if not roles.is_staff_user(user):
        raise KnowledgeError(_("Only support staff may edit the knowledge base."))


def _check_translation(article, language, translation_of):
    if translation_of is None:
        return None
    if article is not None and translation_of.pk == article.pk:
        raise KnowledgeError(_("An article cannot be a translation of itself."))
    # Translations hang off one original, so a set of versions is one flat query.
    original = translation_of.translation_of or translation_of
    if original.language == language:
        raise KnowledgeError(_("A translation must be in another language than its original."))
    if article is not None and article.pk and article.translations.exists():
        raise KnowledgeError(_("This article has translations of its own; it cannot become a translation."))
    return original


@transaction.atomic
def article_save(article=None, *, actor, title, body, language="fa", category=None, visibility=Article.Visibility.PUBLIC,
                 status=None, translation_of=None, products=None, tags=(), files=(), now=None) -> Article:
    """Create (article=None) or update an article; a revision records every save."""
    _require_staff(actor)
    now = now or timezone.now()
    title = (title or "").strip()
    if not title:
        raise KnowledgeError(_("An article needs a title."))
    if language not in ("fa", "en"):
        raise KnowledgeError(_("Unknown language."))
    original = _check_translation(article, language, translation_of)
    for f in files:
        _check_file(f)
    if article is None:
        article = Article(author=actor, created_at=now, slug=slugify(title, allow_unicode=True)[:120])
    article.title, article.body, article.language, article.category = title, body or "", language, category
    article.visibility, article.translation_of, article.updated_by, article.updated_at = visibility, original, actor, now
    article.tags = list(dict.fromkeys(t.strip()[:50] for t in tags if t and t.strip()))  # the author's order, once each
    if status is not None:
        _set_status(article, status, now)
    article.save()
    if products is not None:
        article.products.set(products)
    _attach(article, files, actor, now)
    article_saved(article, actor=actor, now=now)
    return article


def article_saved(article, *, actor, now=None):
    """After any save of an article's text: render, revise, reindex (the admin calls this too)."""
    article.body_html = markdown.render(article.body)
    Article.objects.filter(pk=article.pk).update(body_html=article.body_html)
    ArticleRevision.objects.create(article=article, title=article.title, body=article.body, author=actor,
                                   created_at=now or timezone.now())
    article_reindex(article)


def article_reindex(article):
    """Write the normalised search columns and the vector built from them, in one UPDATE."""
    title = normalize.normalize(" ".join([article.title, *article.tags]))
    body = normalize.normalize(markdown.to_text(article.body_html))
    config = search.config_for(article.language)
    Article.objects.filter(pk=article.pk).update(
        search_title=title, search_body=body, title_trigrams=normalize.trigrams(title),
        search_vector=search.vector_expression(Value(title), Value(body), config),
        title_vector=search.title_vector_expression(Value(title), config))


def _set_status(article, status, now):
    if status not in Article.Status.values:
        raise KnowledgeError(_("Unknown status."))
    article.status = status
    if status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = now


def article_publish(article, *, actor, publish=True, now=None) -> Article:
    """Publish (or take back to draft) without touching the text."""
    _require_staff(actor)
    now = now or timezone.now()
    _set_status(article, Article.Status.PUBLISHED if publish else Article.Status.DRAFT, now)
    article.updated_by, article.updated_at = actor, now
    article.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
    return article


def _check_file(f):
    from tickets.services.attachments import check_file  # one size limit and block list for all uploads

    try:
        check_file(f)
    except ValidationError as exc:
        raise KnowledgeError(exc.messages) from None


def _attach(article, files, actor, now):
    for f in files:
        name = (getattr(f, "name", "") or "file").rsplit("/", 1)[-1][:200]
        # The type comes from the name, never from the browser's claim: only real image types
        # are ever served inline.
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        att = ArticleAttachment(article=article, filename=name, content_type=ctype, size=f.size, uploaded_by=actor,
                                created_at=now)
        att.file.save(name, f, save=False)
        att.save()


def article_file_markdown(attachment) -> str:
    """What an author pastes to show the file in the text."""
    url = attachment.get_absolute_url()
    if attachment.content_type in IMAGE_TYPES:
        return f"![{attachment.filename}]({url})"
    return f"[{attachment.filename}]({url})"


def article_draft_from_ticket(ticket, *, actor, now=None) -> Article:
    """A draft from a ticket's answer: the subject as title, the last public agent reply as body."""
    from tickets.models import Message

    _require_staff(actor)
    reply = (Message.objects.filter(ticket=ticket, kind=Message.Kind.PUBLIC, author_user__isnull=False)
             .order_by("-created_at", "-id").first())
    if reply is None or not reply.body.strip():
        raise KnowledgeError(_("This ticket has no public answer from an agent to start an article from."))
    article = article_save(
        actor=actor, title=ticket.subject, body=reply.body, language=normalize.guess_language(ticket.subject + " " + reply.body),
        visibility=Article.Visibility.PUBLIC, status=Article.Status.DRAFT, products=[ticket.product] if ticket.product_id else [],
        tags=ticket.tags, now=now,
    )
    article.source_ticket = ticket
    article.save(update_fields=["source_ticket"])
    TicketArticleLink.objects.get_or_create(ticket=ticket, article=article, defaults={"linked_by": actor})
    return article


def ticket_article_link(ticket, article, *, actor, now=None) -> TicketArticleLink:
    """Record that an agent put `article` into a reply on `ticket` (once per pair)."""
    _require_staff(actor)
    link, _created = TicketArticleLink.objects.get_or_create(
        ticket=ticket, article=article, defaults={"linked_by": actor, "created_at": now or timezone.now()})
    return link


# --- Events: what readers did. Writes are single INSERTs; the reports aggregate them in SQL.

def _reader(user):
    return user if user is not None and user.is_authenticated else None


def article_event_record(article, kind, *, user=None, session_key="", now=None) -> ArticleEvent:
    return ArticleEvent.objects.create(article=article, kind=kind, user=_reader(user), session_key=session_key or "",
                                       created_at=now or timezone.now())


def articles_suggested(article_ids, *, user=None, session_key="", now=None):
    now = now or timezone.now()
    ArticleEvent.objects.bulk_create([
        ArticleEvent(article_id=pk, kind=Kind.SUGGESTED, user=_reader(user), session_key=session_key or "", created_at=now)
        for pk in article_ids
    ])


def article_vote(article, *, helpful: bool, user=None, session_key="", now=None) -> bool:
    """One vote per reader (user, else session). False when this reader had already voted.

    A helpful vote after opening the article from a suggestion also records `deflected`.
    """
    now = now or timezone.now()
    user = _reader(user)
    if user is None and not session_key:
        return False  # no way to tell this reader from the next one: do not count
    kind = Kind.HELPFUL if helpful else Kind.NOT_HELPFUL
    try:
        with transaction.atomic():
            ArticleEvent.objects.create(article=article, kind=kind, user=user, session_key=session_key or "", created_at=now)
    except IntegrityError:
        return False  # the unique constraints: this reader's vote is already in
    if helpful and ArticleEvent.objects.filter(
            same_reader(user, session_key), article=article, kind=Kind.SUGGEST_CLICK,
            created_at__gte=now - DEFLECTION_WINDOW).exists():
        ArticleEvent.objects.create(article=article, kind=Kind.DEFLECTED, user=user, session_key=session_key or "", created_at=now)
    return True
