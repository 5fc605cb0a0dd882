"""Following a request: public conversation only, htmx replies, close and reopen, the org admin's
view, escaping of what customers typed, and a page cost that does not grow with the ticket."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets import services


def test_ticket_page_shows_the_public_conversation_only(client, customer_reza, org_a_world):
    client.force_login(customer_reza)
    response = client.get(f"/portal/tickets/{org_a_world.number}/")
    html = response.content.decode()
    assert "public answer" in html and "fix.txt" in html
    assert "SECRET internal note" not in html and "server.log" not in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_htmx_reply_returns_only_the_new_message_and_a_fresh_form(client, customer_reza, org_a_world):
    client.force_login(customer_reza)
    response = client.post(f"/portal/tickets/{org_a_world.number}/", {
        "do": "reply", "body": "Still failing on page 2",
        "files": [SimpleUploadedFile("log.txt", b"trace", content_type="text/plain")]}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Still failing on page 2" in html and "log.txt" in html and 'hx-swap-oob="true"' in html
    assert "<html" not in html and "public answer" not in html
    assert org_a_world.messages.filter(body="Still failing on page 2", author_contact=customer_reza.contact).exists()


def test_htmx_reply_that_reopens_reloads_the_page(client, customer_reza, resolved_ticket):
    client.force_login(customer_reza)
    response = client.post(f"/portal/tickets/{resolved_ticket.number}/", {"do": "reply", "body": "not fixed"},
                           HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"] == f"/portal/tickets/{resolved_ticket.number}/"
    resolved_ticket.refresh_from_db()
    assert resolved_ticket.status == "open"


def test_empty_htmx_reply_shows_the_error_in_the_form(client, customer_reza, ticket_a):
    client.force_login(customer_reza)
    response = client.post(f"/portal/tickets/{ticket_a.number}/", {"do": "reply", "body": ""}, HTTP_HX_REQUEST="true")
    assert b"alert-danger" in response.content and ticket_a.messages.count() == 1


def test_customer_withdraws_then_cannot_reply_in_place(client, customer_reza, ticket_a):
    client.force_login(customer_reza)
    client.post(f"/portal/tickets/{ticket_a.number}/", {"do": "close"})
    ticket_a.refresh_from_db()
    assert ticket_a.status == "closed" and ticket_a.events.filter(data__action="withdraw").exists()
    assert 'data-testid="reply-form"' not in client.get(f"/portal/tickets/{ticket_a.number}/").content.decode()


def test_customer_reopens_a_resolved_ticket(client, customer_reza, resolved_ticket):
    client.force_login(customer_reza)
    client.post(f"/portal/tickets/{resolved_ticket.number}/", {"do": "reopen"})
    resolved_ticket.refresh_from_db()
    assert resolved_ticket.status == "open"


def test_org_admin_sees_who_opened_each_request(client, org_a_world, colleague_nika):
    nika = colleague_nika.contact
    nika.is_org_admin = True
    nika.save()
    client.force_login(colleague_nika)
    assert "Reza Tehrani" in client.get("/portal/").content.decode()
    html = client.get(f"/portal/tickets/{org_a_world.number}/").content.decode()
    assert 'data-testid="requester"' in html and "Reza Tehrani" in html


def test_what_customers_type_is_escaped_never_rendered(client, customer_reza):
    client.force_login(customer_reza)
    attack = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    ticket = services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject=attack, body=attack)
    for url in ("/portal/", f"/portal/tickets/{ticket.number}/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_no_portal_template_marks_data_safe():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    for folder in ("portal", "registration", "emails"):
        for path in (root / folder).glob("*"):
            text = path.read_text()
            assert "|safe" not in text and "autoescape off" not in text, path


@pytest.mark.parametrize("extra", [0, 30])
def test_ticket_page_cost_does_not_grow_with_the_conversation(client, customer_reza, ticket_a, agent_ali, extra,
                                                              django_assert_max_num_queries):
    for n in range(extra):
        services.ticket_reply(ticket_a, actor=agent_ali, body=f"answer {n}",
                              files=[SimpleUploadedFile(f"a{n}.txt", b"x", content_type="text/plain")])
    client.force_login(customer_reza)
    client.get(f"/portal/tickets/{ticket_a.number}/")  # warm the session
    with django_assert_max_num_queries(7):
        assert client.get(f"/portal/tickets/{ticket_a.number}/").status_code == 200
