"""outsider_olga (org B) with her own token tries every API route with org A's ids: 404, 403
or an empty list, never a byte of org A; and nothing of org A changes."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets import services
from tickets.models import Referral, TicketEvent

# Shared by every organisation (the portal's new-request form lists them), so not org A's.
PUBLIC_CATALOGUE = {"/api/v1/products/", "/api/v1/products/{id}/", "/api/v1/articles/", "/api/v1/articles/{id}/"}
NOT_USER_ROUTES = {"/api/v1/tracker/webhook"}  # its own shared secret, tested in test_api_webhooks


@pytest.fixture
def org_a_world(ticket_a, agent_ali, customer_reza, product):
    services.ticket_reply(ticket_a, actor=agent_ali, body="public answer",
                          files=[SimpleUploadedFile("fix.txt", b"steps", content_type="text/plain")])
    services.ticket_note(ticket_a, actor=agent_ali, body="SECRET internal note")
    services.ticket_refer(ticket_a, actor=agent_ali, unit="development", question="SECRET question")
    return ticket_a


def ids_of_org_a(ticket, product):
    attachment = ticket.messages.get(body="public answer").attachments.get()
    return {
        "/api/v1/tickets/": ticket.number, "/api/v1/attachments/": attachment.pk,
        "/api/v1/organizations/": ticket.organization_id, "/api/v1/contacts/": ticket.requester_id,
        "/api/v1/products/": product.pk, "/api/v1/sla-policies/": 1,
    }


def concrete(path, ids):
    for prefix, value in ids.items():
        if path.startswith(prefix):
            return path.replace("{number}", str(value)).replace("{id}", str(value))
    raise AssertionError(f"no id for {path}: a new route? add it here")


def assert_nothing_of_org_a(response, url, org_a_id):
    text = response.content.decode(errors="replace")
    assert "SECRET" not in text and "Invoice print fails" not in text and "Pars Software" not in text, url
    if response.status_code == 200:
        # a list: at most Olga's own organisation and herself
        for item in response.json()["results"]:
            assert org_a_id not in (item.get("organization"), item["id"] if "/organizations/" in url else None), url
    else:
        assert response.status_code in (400, 403, 404), (url, response.status_code)


def test_outsider_token_gets_nothing_of_org_a_on_any_route(api_as, org_a_world, outsider_olga, product, client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    api, ids = api_as(outsider_olga), ids_of_org_a(org_a_world, product)
    events_before = TicketEvent.objects.filter(ticket=org_a_world).count()
    tried = 0
    for path, operations in schema["paths"].items():
        if path in PUBLIC_CATALOGUE or path in NOT_USER_ROUTES:
            continue
        url = concrete(path, ids)
        for method in operations:
            if method == "get":
                response = api.get(url, {"organization": org_a_world.organization_id})
            else:
                response = api.post(url, {"body": "hi", "action": "close", "subject": "x", "referral": 1, "answer": "a",
                                          "requester": org_a_world.requester_id, "target": org_a_world.number},
                                    format="json")
            assert_nothing_of_org_a(response, f"{method} {url}", org_a_world.organization_id)
            tried += 1
    assert tried >= 20
    assert TicketEvent.objects.filter(ticket=org_a_world).count() == events_before
    assert not org_a_world.organization.tickets.exclude(pk=org_a_world.pk).exists()
    assert Referral.objects.get().state == "open"


def test_colleague_without_org_admin_sees_only_her_own_tickets(api_as, org_a_world, colleague_nika):
    api = api_as(colleague_nika)
    assert api.get("/api/v1/tickets/").json()["results"] == []
    assert api.get(f"/api/v1/tickets/{org_a_world.number}/").status_code == 404
    assert [c["name"] for c in api.get("/api/v1/contacts/").json()["results"]] == ["Nika Moradi"]


def test_customer_sees_the_public_conversation_without_staff_fields(api_as, org_a_world, customer_reza):
    api = api_as(customer_reza)
    detail = api.get(f"/api/v1/tickets/{org_a_world.number}/").json()
    assert "referrals" not in detail and "assignee" not in detail and "SECRET" not in str(detail)
    messages = api.get(f"/api/v1/tickets/{org_a_world.number}/messages/").json()["results"]
    assert [m["kind"] for m in messages] == ["public", "public"]
    download = messages[1]["attachments"][0]["download_url"]
    assert api.get(download).getvalue() == b"steps"
    assert api.get("/api/v1/sla-policies/").status_code == 403
