"""Knowledge pages run a fixed number of queries whatever the number of articles (no N+1)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Product
from knowledge.models import Category
from tests.knowledge.kb_factories import article

pytestmark = pytest.mark.django_db


def make_articles(author, n, start=0):
    top = Category.objects.get_or_create(name="Sales", slug="sales")[0]
    sub = Category.objects.get_or_create(name="Invoices", slug="invoices", parent=top)[0]
    product = Product.objects.get_or_create(name="Hesab", code="hesab")[0]
    made = []
    for i in range(start, start + n):
        fa = article(author, f"چاپ فاکتور {i}", f"راهنمای چاپ فاکتور شماره {i} از منوی فروش", category=sub if i % 2 else top,
                     products=[product], tags=["فاکتور"])
        made.append(article(author, f"Printing invoice {i}", f"Print invoice number {i} from the sales menu", language="en",
                            category=sub, translation_of=fa, products=[product]))
    return made


def count(client, url, **params):
    if "kb_suggested" in client.session:
        # Each measurement suggests afresh (a session records an article's suggestion once).
        session = client.session
        del session["kb_suggested"]
        session.save()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(ctx)


def urls(a):
    return [("/kb/", {}), ("/kb/c/sales/", {}), ("/kb/search/", {"q": "فاکتور"}), ("/kb/search/", {"q": "invoice"}),
            ("/kb/suggest/", {"subject": "چاپ فاکتور انجام نمیشود", "body": "از منوی فروش"}), (a.get_absolute_url(), {})]


@pytest.mark.parametrize("who", ["anonymous", "customer_reza", "agent_ali"])
def test_reader_pages_queries_do_not_grow_with_articles(client, agent_ali, customer_reza, who, django_assert_max_num_queries):
    if who != "anonymous":
        client.force_login({"customer_reza": customer_reza, "agent_ali": agent_ali}[who])
    few = make_articles(agent_ali, 2)
    for url, params in urls(few[0]):
        count(client, url, **params)  # warm-up: an anonymous reader's session exists from here on
    before = {url + str(params): count(client, url, **params) for url, params in urls(few[0])}
    make_articles(agent_ali, 12, start=2)
    after = {url + str(params): count(client, url, **params) for url, params in urls(few[0])}
    # Never more; search may need fewer (enough title hits skip the body stage).
    assert all(after[key] <= before[key] for key in before), (before, after)
    with django_assert_max_num_queries(12):
        client.get(few[0].get_absolute_url())


def test_staff_pages_queries_do_not_grow_with_articles(client, agent_ali, django_assert_max_num_queries):
    from knowledge import services

    client.force_login(agent_ali)
    few = make_articles(agent_ali, 2)
    pages = [("/kb/picker/", {"q": "invoice"}), ("/kb/stats/", {}), (f"/kb/edit/{few[0].pk}/", {}), (f"/kb/history/{few[0].pk}/", {}),
             ("/kb/new/", {})]
    before = [count(client, url, **params) for url, params in pages]
    for a in make_articles(agent_ali, 12, start=2):
        services.article_event_record(a, "view")
        services.article_save(few[0], actor=agent_ali, title=few[0].title, body=f"edit {a.pk}", language="en")
    after = [count(client, url, **params) for url, params in pages]
    assert all(a <= b for a, b in zip(after, before)), (before, after)
    with django_assert_max_num_queries(12):
        client.get(f"/kb/edit/{few[0].pk}/")
