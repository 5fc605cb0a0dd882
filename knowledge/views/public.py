"""The knowledge base as readers see it: anonymous visitors, customers and staff alike.

Every object comes through a selector scoped to the reader (knowledge/selectors.py), so an
internal or draft article is a 404 here whoever asks for it without the right to read it.
"""
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from knowledge import selectors, services
from knowledge.models import IMAGE_TYPES, ArticleEvent

Kind = ArticleEvent.Kind


def reader_session_key(request, *, create=False) -> str:
    """The anonymous reader's session key; created (and its cookie set) only when we must
    tell this reader from the next, e.g. to hold them to one vote."""
    if not request.session.session_key and create:
        request.session["kb_reader"] = True  # modified, so the middleware sends the cookie
        request.session.save()
    return request.session.session_key or ""


def _ui_language():
    return (get_language() or "fa")[:2]


@require_GET
def home(request):
    return render(request, "kb/home.html", {
        "categories": selectors.category_tree(request.user),
        "recent": selectors.articles_recent(request.user, language=_ui_language()),
    })


@require_GET
def category(request, slug):
    cat = selectors.category_get(slug)
    return render(request, "kb/category.html", {"category": cat, "articles": selectors.articles_in_category(cat, request.user)})


@require_GET
def article(request, pk, slug=None):
    art = selectors.article_get_for_reader(request.user, pk)
    if art.slug and slug != art.slug:
        return redirect(art.get_absolute_url() + (f"?{request.GET.urlencode()}" if request.GET else ""), permanent=True)
    from_suggest = request.GET.get("from") == "suggest"
    key = reader_session_key(request, create=from_suggest)
    services.article_event_record(art, Kind.VIEW, user=request.user, session_key=key)
    if from_suggest:
        # The first half of a deflection: a customer writing a ticket opened this suggestion.
        services.article_event_record(art, Kind.SUGGEST_CLICK, user=request.user, session_key=key)
    return render(request, "kb/article.html", {
        "article": art, "translations": selectors.article_translations(art, request.user),
        "voted": selectors.reader_has_voted(art, user=request.user, session_key=key),
    })


@require_POST
def vote(request, pk):
    art = selectors.article_get_for_reader(request.user, pk)
    helpful = request.POST.get("helpful") == "1"
    counted = services.article_vote(art, helpful=helpful, user=request.user, session_key=reader_session_key(request, create=True))
    if request.htmx:
        return render(request, "kb/_vote.html", {"article": art, "voted": True, "counted": counted})
    messages.success(request, _("Thank you for your feedback."))
    return redirect(art.get_absolute_url())


@require_GET
def search(request):
    q = (request.GET.get("q") or "").strip()[:200]
    language = request.GET.get("lang") if request.GET.get("lang") in ("fa", "en") else None
    results = selectors.article_search(q, user=request.user, language=language, prefer_language=_ui_language()) if q else []
    context = {"q": q, "lang": language, "results": results}
    if request.htmx and not request.htmx.boosted:
        return render(request, "kb/_results.html", context)
    return render(request, "kb/search.html", context)


@require_GET
def suggest(request):
    """htmx fragment for the portal's new-request form: up to 5 public articles for its text.

    Include it with the subject and body fields named `subject` and `body`, e.g.
    <div hx-get="/kb/suggest/" hx-trigger="input changed delay:600ms from:#id_subject, input changed
    delay:600ms from:#id_body" hx-include="#id_subject, #id_body"></div>
    """
    subject, body = request.GET.get("subject", "")[:300], request.GET.get("body", "")[:3000]
    found = selectors.article_suggest(subject, body, user=request.user, language=_ui_language())
    if found:
        # One `suggested` event per article and session, however many keystrokes show it again.
        seen = set(request.session.get("kb_suggested", []))
        new = [a.pk for a in found if a.pk not in seen]
        if new:
            services.articles_suggested(new, user=request.user, session_key=reader_session_key(request, create=True))
            request.session["kb_suggested"] = [*seen, *new][-100:]
    return render(request, "kb/_suggest.html", {"articles": found})


@require_GET
def file(request, pk, filename=None):
    att = selectors.attachment_get_for_reader(request.user, pk)
    if filename is not None and filename != att.filename:
        raise Http404("no such file")
    inline = att.content_type in IMAGE_TYPES
    response = FileResponse(att.file.open("rb"), as_attachment=not inline, filename=att.filename,
                            content_type=att.content_type if inline else "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
