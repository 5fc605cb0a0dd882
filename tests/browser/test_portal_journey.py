"""A customer's journey in the browser: submit with an attachment while the knowledge bank
suggests an article, read the agent's reply, answer in place (htmx), rate the resolution.
Once in Persian, once in English."""
import pytest

from tests.browser.conftest import login, shot
from tickets import services
from tickets.models import SatisfactionRating, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "fa": {"subject": "خطای چاپ فاکتور", "body": "هنگام چاپ فاکتور خطای ۵۰۰ می‌بینم.",
           "article": "رفع خطای چاپ فاکتور", "reply": "نسخه ۴.۲.۱ را نصب کنید.", "answer": "نصب کردم، درست شد."},
    "en": {"subject": "Invoice printing error", "body": "Printing an invoice shows error 500.",
           "article": "Fixing the invoice printing error", "reply": "Please install version 4.2.1.",
           "answer": "Installed it, works now."},
}


def publish_article(agent, lang):
    """A public, published article that matches the request, if the knowledge bank is there."""
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("kb:suggest")
        from knowledge import services as kb
    except (NoReverseMatch, ImportError):
        return None
    article = kb.article_save(actor=agent, title=TEXT[lang]["article"], body=TEXT[lang]["body"], language=lang)
    return kb.article_publish(article, actor=agent)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_customer_submits_follows_replies_and_rates(page, lang, customer_reza, agent_ali, tmp_path):
    t = TEXT[lang]
    customer_reza.language = lang
    customer_reza.save()
    article = publish_article(agent_ali, lang)
    login(page, "reza", "pw-reza")
    assert page.url.endswith("/portal/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "fa" else "ltr")

    page.click("a.btn[href='/portal/new/']")
    page.locator("#id_subject").press_sequentially(t["subject"], delay=20)
    page.locator("#id_body").press_sequentially(t["body"], delay=5)
    page.select_option("#id_type", "defect")
    screenshot = tmp_path / "screen.png"
    screenshot.write_bytes(b"\x89PNG\r\n\x1a\n fake image")
    page.set_input_files("input[name=files]", str(screenshot))
    if article is None:
        assert page.locator("[data-testid=kb-unavailable]").count() == 1
    else:
        page.locator("#kb-suggestions").get_by_text(t["article"]).wait_for()
    shot(page, f"portal-{lang}-1-new-with-suggestion")
    page.click("[data-testid=submit]")
    page.wait_for_load_state()

    ticket = Ticket.objects.get(subject=t["subject"])
    assert page.url.endswith(f"/portal/tickets/{ticket.number}/")
    assert ticket.messages.get().attachments.get().filename == "screen.png"
    assert page.locator("[data-testid=promise]").count() == 1

    services.ticket_assign(ticket, actor=agent_ali, assignee=agent_ali)
    services.ticket_reply(ticket, actor=agent_ali, body=t["reply"])
    page.reload()
    assert t["reply"] in page.inner_text("[data-testid=conversation]")
    page.evaluate("window.__sameDocument = true")  # survives only if the reply does not reload the page
    page.fill("#reply-box textarea[name=body]", t["answer"])
    page.click("[data-testid=reply]")
    page.locator("[data-testid=conversation]").get_by_text(t["answer"]).wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert page.input_value("#reply-box textarea[name=body]") == ""
    shot(page, f"portal-{lang}-2-conversation")

    services.ticket_transition(ticket, actor=agent_ali, action="resolve")
    page.reload()
    page.check("#score-5")
    page.fill("#rating-comment", t["answer"])
    page.click("[data-testid=rate]")
    page.wait_for_load_state()
    page.locator("[data-testid=rating]").wait_for()
    shot(page, f"portal-{lang}-3-rated")
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.score, rating.source, rating.agent_id) == (5, "portal", agent_ali.pk)
    if article is None:
        pytest.xfail("the knowledge bank's kb:suggest view is not mounted yet; the container is guarded")
