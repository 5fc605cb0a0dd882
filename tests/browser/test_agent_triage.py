"""An agent triages a new ticket end to end in the browser: classify, reply, refer, record the
unit's answer, resolve. Once in Persian, once in English."""
import pytest

from tests.browser.conftest import login, shot
from tickets.models import Referral, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for_swap(page, before, timeout=15):
    """Poll from Python: in-page wait_for_function would eval a string, which our CSP forbids."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate("Number(document.body.dataset.swaps) || 0") > before:
            return
        page.wait_for_timeout(50)
    raise AssertionError("htmx did not swap the page")


def act(page, selector):
    """Click a ticket action and wait until htmx has fetched the updated ticket page."""
    before = page.evaluate("Number(document.body.dataset.swaps) || 0")
    with page.expect_response(lambda r: r.request.method == "GET" and "/agent/tickets/" in r.url):
        page.click(selector)
    wait_for_swap(page, before)
    assert page.evaluate("window.__sameDocument === true"), f"{selector} reloaded the page"


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_agent_triages_a_new_ticket_end_to_end(page, lang, agent_ali, ticket_a, product):
    agent_ali.language = lang
    agent_ali.save()
    login(page, "ali", "pw-ali")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "fa" else "ltr")
    page.goto("/agent/?queue=open")
    shot(page, f"triage-{lang}-1-queue")
    page.click(f"text={ticket_a.subject}")
    page.evaluate("window.__sameDocument = true")  # survives only if actions never reload the page

    page.select_option("[data-testid=classify-form] select[name=type]", "defect")
    page.select_option("[data-testid=classify-form] select[name=priority]", "high")
    page.select_option("[data-testid=classify-form] select[name=product]", str(product.pk))
    act(page, "[data-testid=classify-form] button")

    act(page, "[data-testid=take]")
    page.fill("[data-testid=composer]", "We are checking the print module.")
    act(page, "[data-testid=send]")
    assert "We are checking the print module." in page.inner_text("[data-testid=timeline]")

    page.click("[data-testid=open-refer]")
    page.select_option("[data-testid=refer-form] select[name=unit]", "development")
    page.fill("[data-testid=refer-form] textarea[name=question]", "Is the print bug fixed in 4.2?")
    act(page, "[data-testid=refer-form] button")
    shot(page, f"triage-{lang}-2-referred")

    page.fill("textarea[name=answer]", "Fixed in 4.2.1")
    act(page, "[data-testid=record-answer]")
    before = page.evaluate("Number(document.body.dataset.swaps) || 0")
    page.keyboard.press("e")  # the resolve shortcut
    wait_for_swap(page, before)
    page.wait_for_selector(".badge-state-resolved")
    shot(page, f"triage-{lang}-3-resolved")

    assert page.evaluate("window.__sameDocument === true"), "an action reloaded the whole page"
    ticket = Ticket.objects.get(pk=ticket_a.pk)
    assert (ticket.type, ticket.priority, ticket.product_id, ticket.status) == ("defect", "high", product.pk, "resolved")
    assert ticket.assignee_id == agent_ali.pk
    assert Referral.objects.get(ticket=ticket).state == "answered"
    kinds = list(ticket.events.order_by("id").values_list("kind", flat=True))
    assert kinds == ["created", "classified", "assigned", "replied", "referred", "referral_answered", "status_changed"]
