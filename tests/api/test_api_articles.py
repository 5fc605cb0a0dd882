"""Knowledge-base articles through the API: the reader's scope (customers never see internal
or draft articles), and search."""
from knowledge.models import Article
from knowledge.services import article_publish, article_save


def article(agent, title, visibility=Article.Visibility.PUBLIC, publish=True):
    a = article_save(actor=agent, title=title, body=f"{title}: open Settings, then Printing.", language="en",
                     visibility=visibility)
    return article_publish(a, actor=agent) if publish else a


def test_customer_lists_public_articles_only(api_as, agent_ali, customer_reza):
    public = article(agent_ali, "Printing invoices")
    internal = article(agent_ali, "Printer driver internals", visibility=Article.Visibility.INTERNAL)
    draft = article(agent_ali, "Unfinished", publish=False)
    api = api_as(customer_reza)
    assert [a["id"] for a in api.get("/api/v1/articles/").json()["results"]] == [public.pk]
    assert api.get(f"/api/v1/articles/{internal.pk}/").status_code == 404
    assert api.get(f"/api/v1/articles/{draft.pk}/").status_code == 404
    assert "Printing" in api.get(f"/api/v1/articles/{public.pk}/").json()["body"]
    staff = {a["id"] for a in api_as(agent_ali).get("/api/v1/articles/").json()["results"]}
    assert staff == {public.pk, internal.pk}


def test_article_search_finds_by_words_within_the_readers_scope(api_as, agent_ali, customer_reza):
    public = article(agent_ali, "Printing invoices")
    article(agent_ali, "Printing labels internally", visibility=Article.Visibility.INTERNAL)
    results = api_as(customer_reza).get("/api/v1/articles/", {"q": "printing"}).json()["results"]
    assert [a["id"] for a in results] == [public.pk] and results[0]["snippet"]
