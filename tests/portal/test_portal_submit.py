"""Submitting a request: the contract shapes the form; files are checked; suggestions appear."""
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import Contract, Product
from tickets.models import Ticket


@pytest.fixture
def contract(org_a, product):
    c = Contract.objects.create(organization=org_a, name="Gold", starts_on=date(2020, 1, 1))
    c.products.add(product)
    return c


def test_customer_submits_a_request_with_an_attachment(client, customer_reza):
    client.force_login(customer_reza)
    response = client.post("/portal/new/", {
        "subject": "Cannot export", "body": "Export to Excel hangs.", "type": "defect",
        "files": [SimpleUploadedFile("screen.png", b"\x89PNG...", content_type="image/png")]})
    ticket = Ticket.objects.get(subject="Cannot export")
    assert response.status_code == 302 and response.url == f"/portal/tickets/{ticket.number}/"
    assert (ticket.requester, ticket.type, ticket.channel) == (customer_reza.contact, "defect", "portal")
    assert ticket.messages.get().attachments.get().filename == "screen.png"


def test_executable_attachments_are_refused(client, customer_reza):
    client.force_login(customer_reza)
    response = client.post("/portal/new/", {"subject": "x", "body": "y", "type": "question",
                                             "files": [SimpleUploadedFile("run.exe", b"MZ")]})
    assert response.status_code == 400 and not Ticket.objects.exists()


def test_only_products_of_the_active_contract_are_offered(client, customer_reza, contract, product):
    other = Product.objects.create(name="Anbar Inventory", code="anbar")
    client.force_login(customer_reza)
    html = client.get("/portal/new/").content.decode()
    assert "Hesab Accounting" in html and "Anbar Inventory" not in html
    response = client.post("/portal/new/", {"subject": "x", "body": "y", "type": "question", "product": other.pk})
    assert response.status_code == 400 and not Ticket.objects.exists()


def test_priority_is_hidden_unless_the_contract_allows_it(client, customer_reza, contract):
    client.force_login(customer_reza)
    assert 'name="priority"' not in client.get("/portal/new/").content.decode()
    client.post("/portal/new/", {"subject": "x", "body": "y", "type": "question", "priority": "urgent"})
    assert Ticket.objects.get().priority == "normal"
    contract.customer_may_set_priority = True
    contract.save()
    assert 'name="priority"' in client.get("/portal/new/").content.decode()
    client.post("/portal/new/", {"subject": "z", "body": "y", "type": "question", "priority": "high"})
    assert Ticket.objects.get(subject="z").priority == "high"


def test_the_form_renders_with_or_without_the_knowledge_suggestions(client, customer_reza):
    from tickets.views.portal import kb_suggest_url

    client.force_login(customer_reza)
    html = client.get("/portal/new/").content.decode()
    if kb_suggest_url():
        assert 'id="kb-suggestions"' in html and 'hx-include="#id_subject, #id_body"' in html
    else:
        assert 'data-testid="kb-unavailable"' in html and 'id="kb-suggestions"' not in html


def test_forms_refuse_posts_without_the_csrf_token(customer_reza, ticket_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(customer_reza)
    assert client.post("/portal/new/", {"subject": "x", "body": "y", "type": "question"}).status_code == 403
    assert client.post(f"/portal/tickets/{ticket_a.number}/", {"do": "reply", "body": "x"}).status_code == 403
    assert client.post(f"/portal/tickets/{ticket_a.number}/rate/", {"score": "5"}).status_code == 403
