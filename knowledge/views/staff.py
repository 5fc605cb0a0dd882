"""The knowledge base for support staff: editing, publishing, the agent's article picker,
drafts from tickets, and the usage report. Customers get a 404: these pages do not exist for them.
"""
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers import roles
from knowledge import markdown, selectors, services
from knowledge.forms import ArticleForm, PreviewForm


def staff_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.is_staff_user(request.user):
            raise Http404()
        return view(request, *args, **kwargs)

    return wrapper


def _save(request, form, article=None):
    d = form.cleaned_data
    return services.article_save(
        article, actor=request.user, title=d["title"], body=d["body"], language=d["language"], category=d["category"],
        visibility=d["visibility"], status=d["status"], translation_of=d["translation_of"], products=d["products"],
        tags=d["tags"], files=d["files"])


@staff_only
@require_http_methods(["GET", "POST"])
def article_new(request):
    form = ArticleForm(request.POST or None, request.FILES or None, initial={"language": (request.LANGUAGE_CODE or "fa")[:2]})
    if request.method == "POST" and form.is_valid():
        try:
            article = _save(request, form)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The article is saved."))
            return redirect("kb:edit", pk=article.pk)
    return render(request, "kb/edit.html", {"form": form, "drafts": selectors.articles_for_editing(request.user)},
                  status=400 if form.errors else 200)


@staff_only
@require_http_methods(["GET", "POST"])
def article_edit(request, pk):
    article = selectors.article_get_for_staff(request.user, pk)
    form = ArticleForm(request.POST or None, request.FILES or None, article=article)
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, form, article)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The article is saved."))
            return redirect("kb:edit", pk=article.pk)
    files = [(att, services.article_file_markdown(att)) for att in article.attachments.all()]
    return render(request, "kb/edit.html", {"form": form, "article": article, "files": files,
                                            "revisions": selectors.article_revisions(article, limit=10)},
                  status=400 if form.errors else 200)


@staff_only
@require_POST
def article_publish(request, pk):
    article = selectors.article_get_for_staff(request.user, pk)
    publish = request.POST.get("publish") == "1"
    services.article_publish(article, actor=request.user, publish=publish)
    messages.success(request, _("The article is published.") if publish else _("The article is back to draft."))
    return redirect("kb:edit", pk=article.pk)


@staff_only
@require_GET
def article_history(request, pk):
    article = selectors.article_get_for_staff(request.user, pk)
    return render(request, "kb/history.html", {"article": article, "revisions": selectors.article_revisions(article)})


@staff_only
@require_POST
def preview(request):
    """htmx: the editor's live preview, rendered and sanitised exactly as readers will see it."""
    form = PreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    return HttpResponse(markdown.render(body))


@staff_only
@require_GET
def picker(request):
    """htmx fragment for the agent's reply box: public published articles matching ?q=.

    Each result is a <button type="button" class="kb-pick" data-insert="<title> <absolute url>">;
    the ticket page's script appends data-insert to the reply. With ?ticket=<number>, each button
    also posts to kb:link (hx-post, hx-swap="none") so the link is counted in /kb/stats/.
    """
    q = (request.GET.get("q") or "").strip()[:200]
    results = selectors.article_search(q, user=request.user, public_only=True, prefer_language=request.GET.get("lang")) if q else []
    ticket = request.GET.get("ticket")
    return render(request, "kb/_picker.html", {"q": q, "results": results, "site_url": settings.SITE_URL,
                                               "ticket": int(ticket) if (ticket or "").isdigit() else None})


@staff_only
@require_POST
def link(request, ticket_number, pk):
    from tickets.selectors import ticket_get_for_agent

    ticket = ticket_get_for_agent(request.user, ticket_number)
    services.ticket_article_link(ticket, selectors.article_get_for_staff(request.user, pk), actor=request.user)
    return HttpResponse(status=204)


@staff_only
@require_POST
def from_ticket(request, ticket_number):
    from tickets.selectors import ticket_get_for_agent

    ticket = ticket_get_for_agent(request.user, ticket_number)
    try:
        article = services.article_draft_from_ticket(ticket, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("agent:ticket", number=ticket.number)
    messages.success(request, _("A draft article was made from this ticket's answer. Edit it and publish when ready."))
    return redirect("kb:edit", pk=article.pk)


@staff_only
@require_GET
def stats(request):
    days = int(request.GET["days"]) if request.GET.get("days", "").isdigit() else 30
    days = max(1, min(days, 3650))
    since = timezone.now() - timedelta(days=days)
    return render(request, "kb/stats.html", {"days": days, "stats": selectors.kb_stats(since=since)})
