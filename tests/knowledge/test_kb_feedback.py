"""Views, suggestions, votes and deflections land in ArticleEvent for the manager's report."""
from datetime import timedelta

import pytest
from django.utils import timezone

from knowledge import services
from knowledge.models import ArticleEvent
from tests.knowledge.kb_factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def answer(agent_ali):
    return article(agent_ali, "چاپ فاکتور فروش", "برای چاپ فاکتور از منوی فروش گزینه چاپ را بزنید.")


def kinds(article_):
    return sorted(ArticleEvent.objects.filter(article=article_).values_list("kind", flat=True))


def test_reading_an_article_records_a_view(client, answer):
    client.get(answer.get_absolute_url())
    assert kinds(answer) == ["view"]


def test_suggest_returns_public_articles_for_the_ticket_text_and_records_suggested(client, customer_reza, answer):
    client.force_login(customer_reza)
    response = client.get("/kb/suggest/", {"subject": "فاكتور چاپ نمی شود", "body": "وقتی می‌خواهم فاکتور را چاپ کنم خطا می‌دهد"})
    page = response.content.decode()
    assert f"{answer.get_absolute_url()}?from=suggest" in page
    event = ArticleEvent.objects.get(article=answer)
    assert (event.kind, event.user) == ("suggested", customer_reza)


def test_suggest_records_one_suggested_event_per_session_however_often_it_is_shown(client, customer_reza, answer):
    client.force_login(customer_reza)
    for _ in range(3):
        client.get("/kb/suggest/", {"subject": "چاپ فاکتور", "body": "خطا در چاپ فاکتور فروش"})
    assert kinds(answer) == ["suggested"]


def test_suggest_says_nothing_for_too_short_text(client, customer_reza, answer):
    client.force_login(customer_reza)
    response = client.get("/kb/suggest/", {"subject": "چاپ", "body": ""})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""
    assert kinds(answer) == []


def test_suggest_puts_the_readers_language_first(agent_ali, answer):
    from knowledge.selectors import article_suggest

    english = article(agent_ali, "Printing an invoice (فاکتور)", "Choose Print in the sales menu: چاپ فاکتور", language="en")
    text = "چاپ فاکتور فروش خطا میدهد"
    assert [a.pk for a in article_suggest(text, "", user=None, language="en")] == [english.pk, answer.pk]
    assert [a.pk for a in article_suggest(text, "", user=None, language="fa")] == [answer.pk, english.pk]


def test_opening_a_suggestion_then_voting_helpful_records_a_deflection(client, customer_reza, answer):
    client.force_login(customer_reza)
    client.get(answer.get_absolute_url() + "?from=suggest")
    client.post(f"/kb/vote/{answer.pk}/", {"helpful": "1"})
    assert kinds(answer) == ["deflected", "helpful", "suggest_click", "view"]
    assert set(ArticleEvent.objects.filter(article=answer).values_list("user", flat=True)) == {customer_reza.pk}


def test_anonymous_reader_from_a_suggestion_is_tracked_by_session(client, answer):
    client.get(answer.get_absolute_url() + "?from=suggest")
    client.post(f"/kb/vote/{answer.pk}/", {"helpful": "1"})
    deflected = ArticleEvent.objects.get(article=answer, kind="deflected")
    assert deflected.user is None and deflected.session_key == client.session.session_key


def test_helpful_vote_without_a_suggestion_is_not_a_deflection(client, customer_reza, answer):
    client.force_login(customer_reza)
    client.get(answer.get_absolute_url())
    client.post(f"/kb/vote/{answer.pk}/", {"helpful": "1"})
    assert kinds(answer) == ["helpful", "view"]


def test_not_helpful_vote_after_a_suggestion_is_not_a_deflection(client, customer_reza, answer):
    client.force_login(customer_reza)
    client.get(answer.get_absolute_url() + "?from=suggest")
    client.post(f"/kb/vote/{answer.pk}/", {"helpful": "0"})
    assert kinds(answer) == ["not_helpful", "suggest_click", "view"]


def test_a_suggestion_opened_days_ago_does_not_make_todays_vote_a_deflection(customer_reza, answer):
    old = timezone.now() - timedelta(days=3)
    services.article_event_record(answer, "suggest_click", user=customer_reza, now=old)
    services.article_vote(answer, helpful=True, user=customer_reza)
    assert kinds(answer) == ["helpful", "suggest_click"]


def test_one_vote_per_user(customer_reza, answer):
    assert services.article_vote(answer, helpful=True, user=customer_reza) is True
    assert services.article_vote(answer, helpful=False, user=customer_reza) is False
    assert services.article_vote(answer, helpful=True, user=customer_reza) is False
    assert kinds(answer) == ["helpful"]


def test_one_vote_per_anonymous_session_but_each_session_counts(client, answer):
    client.post(f"/kb/vote/{answer.pk}/", {"helpful": "1"})
    client.post(f"/kb/vote/{answer.pk}/", {"helpful": "0"})
    client.cookies.clear()
    client.post(f"/kb/vote/{answer.pk}/", {"helpful": "0"})
    assert kinds(answer) == ["helpful", "not_helpful"]


def test_vote_by_htmx_swaps_in_a_thank_you(client, answer):
    response = client.post(f"/kb/vote/{answer.pk}/", {"helpful": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="kb-vote"' in response.content.decode()


def test_article_page_offers_a_vote_until_the_reader_voted(client, answer):
    assert f"/kb/vote/{answer.pk}/" in client.get(answer.get_absolute_url()).content.decode()
    client.post(f"/kb/vote/{answer.pk}/", {"helpful": "1"})
    assert f"/kb/vote/{answer.pk}/" not in client.get(answer.get_absolute_url()).content.decode()
