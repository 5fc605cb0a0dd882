"""Staff write articles: revisions on every save, publishing, translations, categories, files,
drafts from a ticket's answer, links from tickets, and the usage report."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge import services
from knowledge.models import Article, ArticleRevision, Category, TicketArticleLink
from tests.knowledge.kb_factories import article
from tickets import services as ticket_services

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {"title": "چاپ فاکتور", "category": "", "language": "fa", "translation_of": "", "visibility": "public",
            "status": "draft", "tags": "فاکتور، چاپ", "body": "## گام‌ها\n\n1. منوی فروش"}
    return {**data, **overrides}


def test_every_save_writes_a_revision_with_its_author(agent_ali, manager_maryam):
    a = article(agent_ali, "Title one", "Body one", language="en")
    services.article_save(a, actor=manager_maryam, title="Title two", body="Body two", language="en")
    revisions = list(ArticleRevision.objects.filter(article=a).order_by("created_at", "id").values_list("title", "body", "author"))
    assert revisions == [("Title one", "Body one", agent_ali.pk), ("Title two", "Body two", manager_maryam.pk)]
    a.refresh_from_db()
    assert (a.author, a.updated_by) == (agent_ali, manager_maryam)


def test_customers_cannot_write_articles(customer_reza):
    with pytest.raises(ValidationError):
        services.article_save(actor=customer_reza, title="x", body="y")


def test_publish_sets_published_at_once_and_unpublish_returns_to_draft(agent_ali):
    a = article(agent_ali, "Draft", status="draft")
    assert a.published_at is None
    services.article_publish(a, actor=agent_ali)
    first = a.published_at
    assert a.status == "published" and first is not None
    services.article_publish(a, actor=agent_ali, publish=False)
    services.article_publish(a, actor=agent_ali)
    a.refresh_from_db()
    assert a.status == "published" and a.published_at == first


def test_translation_must_be_in_the_other_language_than_its_original(agent_ali):
    fa = article(agent_ali, "چاپ فاکتور")
    en = article(agent_ali, "Printing invoices", language="en", translation_of=fa)
    assert en.translation_of == fa
    with pytest.raises(ValidationError):
        article(agent_ali, "چاپ دوباره", translation_of=fa)
    # Through a translation, the original is what counts: a second Persian version is refused.
    with pytest.raises(ValidationError):
        article(agent_ali, "نسخه دیگر", translation_of=en)


def test_an_original_with_translations_cannot_become_a_translation(agent_ali):
    fa = article(agent_ali, "چاپ فاکتور")
    article(agent_ali, "Printing invoices", language="en", translation_of=fa)
    other = article(agent_ali, "Invoices", language="en")
    with pytest.raises(ValidationError):
        services.article_save(fa, actor=agent_ali, title=fa.title, body="", language="fa", translation_of=other)


def test_article_page_links_its_translations_and_sets_direction_by_article_language(client, agent_ali):
    fa = article(agent_ali, "چاپ فاکتور", "متن")
    en = article(agent_ali, "Printing invoices", "Text", language="en", translation_of=fa)
    client.cookies["django_language"] = "en"
    page = client.get(fa.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert 'lang="fa" dir="rtl" data-testid="kb-article"' in page
    assert en.get_absolute_url() in page
    page = client.get(en.get_absolute_url()).content.decode()
    assert 'lang="en" dir="ltr" data-testid="kb-article"' in page and fa.get_absolute_url() in page


def test_categories_nest_one_level_only():
    top = Category.objects.create(name="Top", slug="top")
    child = Category.objects.create(name="Child", slug="child", parent=top)
    grandchild = Category(name="Grandchild", slug="grandchild", parent=child)
    with pytest.raises(ValidationError):
        grandchild.full_clean()
    top.parent = Category.objects.create(name="Other", slug="other")
    with pytest.raises(ValidationError):
        top.full_clean()


def test_editor_creates_and_edits_an_article(client, agent_ali):
    client.force_login(agent_ali)
    response = client.post("/kb/new/", form_data())
    a = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kb/edit/{a.pk}/"
    assert (a.title, a.status, a.tags, a.author) == ("چاپ فاکتور", "draft", ["فاکتور", "چاپ"], agent_ali)
    assert "<h2>گام‌ها</h2>" in a.body_html
    client.post(f"/kb/edit/{a.pk}/", form_data(title="چاپ فاکتور فروش", status="published"))
    a.refresh_from_db()
    assert a.title == "چاپ فاکتور فروش" and a.status == "published" and a.revisions.count() == 2
    assert client.get(f"/kb/edit/{a.pk}/").status_code == 200
    assert client.get(f"/kb/history/{a.pk}/").status_code == 200


def test_editor_uploads_an_image_and_offers_its_markdown(client, agent_ali):
    client.force_login(agent_ali)
    image = SimpleUploadedFile("screen.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    client.post("/kb/new/", {**form_data(), "files": [image]})
    att = Article.objects.get().attachments.get()
    assert att.content_type == "image/png"
    page = client.get(f"/kb/edit/{att.article_id}/").content.decode()
    assert f"![screen.png]({att.get_absolute_url()})" in page


def test_editor_refuses_executables(client, agent_ali):
    client.force_login(agent_ali)
    response = client.post("/kb/new/", {**form_data(), "files": [SimpleUploadedFile("setup.exe", b"MZ")]})
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_live_preview_is_sanitised(client, agent_ali):
    client.force_login(agent_ali)
    response = client.post("/kb/preview/", {"body": "**bold** <script>alert(1)</script><img src=x onerror=alert(1)>"})
    assert "<strong>bold</strong>" in response.content.decode()
    assert "script" not in response.content.decode() and "onerror" not in response.content.decode()


def test_publish_view(client, agent_ali):
    a = article(agent_ali, "Draft", status="draft")
    client.force_login(agent_ali)
    client.post(f"/kb/publish/{a.pk}/", {"publish": "1"})
    a.refresh_from_db()
    assert a.status == "published"


@pytest.fixture
def resolved_ticket(ticket_a, agent_ali):
    ticket_services.ticket_reply(ticket_a, actor=agent_ali, body="First try: restart the printer.")
    ticket_services.ticket_note(ticket_a, actor=agent_ali, body="Internal: customer is on v2.3")
    ticket_services.ticket_reply(ticket_a, actor=agent_ali, body="Install version 2.5; invoices print again.")
    ticket_services.ticket_transition(ticket_a, actor=agent_ali, action="resolve")
    ticket_a.refresh_from_db()
    return ticket_a


def test_draft_from_ticket_takes_subject_and_last_public_agent_reply(resolved_ticket, agent_ali):
    a = services.article_draft_from_ticket(resolved_ticket, actor=agent_ali)
    assert (a.title, a.body, a.status, a.language) == ("Invoice print fails", "Install version 2.5; invoices print again.", "draft", "en")
    assert a.source_ticket == resolved_ticket and a.revisions.count() == 1
    assert TicketArticleLink.objects.filter(ticket=resolved_ticket, article=a).exists()


def test_draft_from_ticket_without_an_agent_answer_is_refused(ticket_a, agent_ali):
    with pytest.raises(ValidationError):
        services.article_draft_from_ticket(ticket_a, actor=agent_ali)


def test_draft_from_ticket_view_redirects_to_the_editor(client, resolved_ticket, agent_ali):
    client.force_login(agent_ali)
    response = client.post(f"/kb/from-ticket/{resolved_ticket.number}/")
    a = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kb/edit/{a.pk}/"


def test_draft_from_ticket_view_is_not_for_customers(client, resolved_ticket, customer_reza):
    client.force_login(customer_reza)
    assert client.post(f"/kb/from-ticket/{resolved_ticket.number}/").status_code == 404
    assert not Article.objects.exists()


def test_picker_buttons_carry_title_and_absolute_url_and_record_the_link(client, settings, agent_ali, ticket_a):
    a = article(agent_ali, "Printing invoices", "Sales menu", language="en")
    client.force_login(agent_ali)
    page = client.get("/kb/picker/", {"q": "print", "ticket": ticket_a.number}).content.decode()
    assert f'data-insert="Printing invoices {settings.SITE_URL}{a.get_absolute_url()}"' in page
    link_url = f"/kb/link/{ticket_a.number}/{a.pk}/"
    assert f'hx-post="{link_url}"' in page
    assert client.post(link_url).status_code == 204
    assert client.post(link_url).status_code == 204  # twice is still one link
    assert TicketArticleLink.objects.get().linked_by == agent_ali


def test_stats_page_lists_top_linked_viewed_and_helpful(client, agent_ali, ticket_a, customer_reza):
    a = article(agent_ali, "Printing invoices", "Sales menu", language="en")
    services.ticket_article_link(ticket_a, a, actor=agent_ali)
    services.article_event_record(a, "view")
    services.article_vote(a, helpful=True, user=customer_reza)
    client.force_login(agent_ali)
    response = client.get("/kb/stats/")
    assert response.status_code == 200
    for table in ("kb-top-linked", "kb-top-viewed", "kb-top-helpful"):
        section = response.content.decode().split(f'data-testid="{table}"')[1].split("</ol>")[0]
        assert "Printing invoices" in section, table


def test_old_slug_redirects_to_the_current_url(client, agent_ali):
    a = article(agent_ali, "Printing invoices", language="en")
    response = client.get(f"/kb/a/{a.pk}/old-title/")
    assert response.status_code == 301 and response["Location"] == a.get_absolute_url()


def test_admin_save_renders_revises_and_reindexes(client, settings):
    from customers.models import Role, User

    admin = User.objects.create_superuser("root", "root@example.test", "pw", role=Role.ADMIN)
    client.force_login(admin)
    response = client.post("/admin/knowledge/article/add/", {
        "title": "Admin article", "slug": "admin-article", "language": "en", "visibility": "public", "status": "published",
        "tags": "", "body": "Zebra crossing <script>x</script>", "created_at_0": "2026-01-01", "created_at_1": "10:00:00",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0", "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    a = Article.objects.get()
    assert "script" not in a.body_html and a.revisions.count() == 1
    from knowledge.selectors import article_search

    assert [x.pk for x in article_search("zebra", user=None)] == [a.pk]
