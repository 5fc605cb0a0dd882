"""Internal and draft articles never reach customers, outsiders or anonymous readers: not in
lists, search, suggestions, category counts, files, nor by direct URL (404)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge.models import Category
from knowledge.selectors import article_search, article_suggest
from tests.knowledge.kb_factories import article, hidden_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden(agent_ali):
    return hidden_articles(agent_ali)


@pytest.fixture
def readers(client, customer_reza, outsider_olga):
    """(name, log-in function) for every reader who must not see hidden articles."""
    def anonymous():
        client.logout()
        return client

    def as_user(user):
        def login():
            client.force_login(user)
            return client
        return login

    return [("anonymous", anonymous), ("customer_reza", as_user(customer_reza)), ("outsider_olga", as_user(outsider_olga))]


def test_public_article_is_readable_without_login(client, agent_ali):
    a = article(agent_ali, "راهنمای نصب", "مراحل نصب نرم‌افزار")
    response = client.get(a.get_absolute_url())
    assert response.status_code == 200
    assert "مراحل نصب" in response.content.decode()


def test_hidden_articles_are_404_by_direct_url_for_non_staff(readers, hidden):
    for name, login in readers:
        c = login()
        for a in hidden:
            assert c.get(a.get_absolute_url()).status_code == 404, (name, a.title)
            assert c.get(f"/kb/a/{a.pk}/").status_code == 404, (name, a.title)
            assert c.post(f"/kb/vote/{a.pk}/", {"helpful": "1"}).status_code == 404, (name, a.title)


def test_hidden_articles_are_not_in_search_lists_or_categories(readers, hidden, agent_ali):
    cat = Category.objects.create(name="امنیت", slug="security")
    for a in hidden:
        a.category = cat
        a.save()
    article(agent_ali, "Public secretword", "public text", language="en", category=cat)
    for name, login in readers:
        c = login()
        for url in ["/kb/", "/kb/search/?q=secretword", "/kb/search/?q=محرمانه", f"/kb/c/{cat.slug}/"]:
            page = c.get(url).content.decode()
            assert "Internal escalation" not in page and "Draft pricing" not in page, (name, url)
        assert "Public secretword" in c.get("/kb/search/?q=secretword").content.decode()


def test_category_counts_only_readable_articles(client, hidden, agent_ali):
    cat = Category.objects.create(name="Security", slug="sec")
    for a in hidden:
        a.category = cat
        a.save()
    from knowledge.selectors import category_tree

    assert category_tree(None)[0].count == 0
    assert category_tree(agent_ali)[0].count == 1  # the internal one; drafts are not listed


def test_search_selector_scope(hidden, customer_reza, outsider_olga, agent_ali):
    for user in (None, customer_reza, outsider_olga):
        assert article_search("secretword", user=user) == []
        assert article_search("secretwrd", user=user) == []  # nor through the typo fallback
    assert [a.title for a in article_search("secretword", user=agent_ali)] == ["Internal escalation secretword"]


def test_suggestions_are_public_published_only_even_for_staff(hidden, agent_ali):
    text = "secretword problem with the on-duty developer prices"
    assert article_suggest(text, "", user=agent_ali) == []


def test_suggest_view_shows_nothing_hidden(client, customer_reza, hidden):
    client.force_login(customer_reza)
    response = client.get("/kb/suggest/", {"subject": "secretword", "body": "محرمانه on-duty developer prices"})
    assert response.status_code == 200
    assert "secretword" not in response.content.decode()


def test_files_of_hidden_articles_are_404_for_non_staff(readers, agent_ali, client):
    from knowledge import services

    internal = services.article_save(actor=agent_ali, title="Internal diagram", body="x", visibility="internal", status="published",
                                     files=[SimpleUploadedFile("net.png", b"\x89PNG\r\n", content_type="image/png")])
    url = internal.attachments.get().get_absolute_url()
    for name, login in readers:
        assert login().get(url).status_code == 404, name
    client.force_login(agent_ali)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"


def test_staff_pages_do_not_exist_for_customers(client, customer_reza, outsider_olga, hidden):
    draft = hidden[1]
    for user in (customer_reza, outsider_olga):
        client.force_login(user)
        for url in ["/kb/new/", f"/kb/edit/{draft.pk}/", f"/kb/history/{draft.pk}/", "/kb/picker/?q=x", "/kb/stats/"]:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/kb/publish/{draft.pk}/", {"publish": "1"}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_staff_pages_send_anonymous_readers_to_log_in(client):
    response = client.get("/kb/stats/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_read_internal_and_preview_drafts(client, agent_ali, hidden):
    client.force_login(agent_ali)
    for a in hidden:
        assert client.get(a.get_absolute_url()).status_code == 200


def test_picker_offers_only_public_published_articles(client, agent_ali, hidden):
    article(agent_ali, "Public secretword guide", "text", language="en")
    client.force_login(agent_ali)
    page = client.get("/kb/picker/", {"q": "secretword"}).content.decode()
    assert "Public secretword guide" in page
    assert "Internal escalation" not in page and "Draft pricing" not in page
