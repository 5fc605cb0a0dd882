"""outsider_olga (org B) tries every portal URL with org A's ids: all 404, nothing leaks."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets import services


@pytest.fixture
def org_a_world(ticket_a, agent_ali, customer_reza):
    services.ticket_reply(ticket_a, actor=agent_ali, body="public answer",
                          files=[SimpleUploadedFile("fix.txt", b"steps", content_type="text/plain")])
    services.ticket_note(ticket_a, actor=agent_ali, body="SECRET internal note")
    return ticket_a


def portal_urls(ticket):
    attachment = ticket.messages.get(body="public answer").attachments.get()
    return [f"/portal/tickets/{ticket.number}/", f"/portal/attachments/{attachment.pk}/",
            f"/agent/tickets/{ticket.number}/", f"/agent/attachments/{attachment.pk}/"]


def test_outsider_gets_404_on_every_url_of_org_a(client, org_a_world, outsider_olga):
    client.force_login(outsider_olga)
    for url in portal_urls(org_a_world):
        assert client.get(url).status_code == 404, url
    for action in ("reply", "close", "reopen"):
        response = client.post(f"/portal/tickets/{org_a_world.number}/", {"do": action, "body": "hi"})
        assert response.status_code == 404
    assert org_a_world.messages.count() == 3


def test_outsider_list_shows_nothing_of_org_a(client, org_a_world, outsider_olga):
    client.force_login(outsider_olga)
    html = client.get("/portal/").text
    assert "Invoice print fails" not in html
    assert "You have no requests yet" in html or "درخواستی" in html


def test_anonymous_visitor_is_sent_to_login_from_every_url(client, org_a_world):
    for url in portal_urls(org_a_world):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url


def test_colleague_without_org_admin_sees_only_her_own_tickets(client, org_a_world, colleague_nika):
    client.force_login(colleague_nika)
    assert client.get(f"/portal/tickets/{org_a_world.number}/").status_code == 404


def test_org_admin_sees_all_of_the_organisations_tickets(client, org_a_world, colleague_nika):
    contact = colleague_nika.contact
    contact.is_org_admin = True
    contact.save()
    client.force_login(colleague_nika)
    assert client.get(f"/portal/tickets/{org_a_world.number}/").status_code == 200
    assert "Invoice print fails" in client.get("/portal/").text


def test_customer_never_sees_internal_notes(client, org_a_world, customer_reza):
    client.force_login(customer_reza)
    html = client.get(f"/portal/tickets/{org_a_world.number}/").text
    assert "public answer" in html and "SECRET internal note" not in html


def test_customer_downloads_attachments_as_files_never_rendered(client, org_a_world, customer_reza):
    client.force_login(customer_reza)
    url = portal_urls(org_a_world)[1]
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_internal_note_attachment_is_hidden_from_the_customer(client, ticket_a, agent_ali, customer_reza):
    note = services.ticket_note(ticket_a, actor=agent_ali, body="log",
                                files=[SimpleUploadedFile("server.log", b"secret", content_type="text/plain")])
    client.force_login(customer_reza)
    assert client.get(f"/portal/attachments/{note.attachments.get().pk}/").status_code == 404
