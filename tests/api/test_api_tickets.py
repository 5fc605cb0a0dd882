"""The ticket endpoints: each action calls its service (state changes, events written), the
list pages by keyset with a constant number of queries, and errors share one shape."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets import services
from tickets.models import Message, Referral, Ticket, TicketEvent


def kinds(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("kind", flat=True))


def test_agent_lists_the_open_queue_with_filters(api_as, agent_ali, ticket_a):
    api = api_as(agent_ali)
    body = api.get("/api/v1/tickets/").json()
    assert [t["number"] for t in body["results"]] == [ticket_a.number]
    assert body["results"][0]["organization"]["name"] == "Pars Software"
    assert body["next"] is None and body["previous"] is None
    assert api.get("/api/v1/tickets/", {"priority": "urgent"}).json()["results"] == []
    assert len(api.get("/api/v1/tickets/", {"status": ["new", "open"]}).json()["results"]) == 1


def test_ticket_list_follows_the_keyset_cursor_to_the_end(api_as, agent_ali, customer_reza, support_team):
    for i in range(5):
        services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject=f"T{i}", body="b", team=support_team)
    api = api_as(agent_ali)
    seen, url = [], "/api/v1/tickets/?queue=all&sort=created&limit=2"
    while url:
        page = api.get(url).json()
        seen += [t["number"] for t in page["results"]]
        url = page["next"]
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)


@pytest.mark.parametrize("n", [3, 30])
def test_ticket_list_query_count_does_not_grow_with_tickets(n, api_as, agent_ali, customer_reza, support_team, product,
                                                            django_assert_max_num_queries):
    for i in range(n):
        t = services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject=f"T{i}", body="b",
                                   team=support_team, product=product)
        services.ticket_assign(t, actor=agent_ali, assignee=agent_ali)
    api = api_as(agent_ali)
    api.get("/api/v1/tickets/")  # the token's first use writes last_used_at; later ones (within a minute) do not
    # the token lookup with its user, and the selector's page (ids by keyset, then the rows)
    with django_assert_max_num_queries(3):
        body = api.get("/api/v1/tickets/", {"queue": "all", "limit": 50}).json()
    assert len(body["results"]) == n and body["results"][0]["assignee"]["name"] == "Ali Rahimi"


def test_agent_creates_a_ticket_for_a_contact(api_as, agent_ali, customer_reza, support_team):
    response = api_as(agent_ali).post("/api/v1/tickets/", {
        "requester": customer_reza.contact.pk, "subject": "Phone: VAT report", "body": "Called about VAT.",
        "channel": "phone", "team": support_team.pk}, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.channel == "phone" and ticket.team == support_team and kinds(ticket) == ["created"]


def test_customer_creates_with_attachment_via_multipart(api_as, customer_reza):
    response = api_as(customer_reza).post("/api/v1/tickets/", {
        "subject": "Screenshot", "body": "see file", "files": [SimpleUploadedFile("s.txt", b"hi", "text/plain")]},
        format="multipart")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.requester == customer_reza.contact and ticket.channel == "portal"
    assert ticket.messages.get().attachments.get().filename == "s.txt"
    assert "assignee" not in response.json() and "referrals" not in response.json()


def test_reply_action_answers_the_customer_and_opens_the_ticket(api_as, agent_ali, ticket_a):
    response = api_as(agent_ali).post(f"/api/v1/tickets/{ticket_a.number}/reply/", {"body": "Try again now."}, format="json")
    assert response.status_code == 201 and response.json()["kind"] == "public"
    ticket_a.refresh_from_db()
    assert ticket_a.status == "open" and kinds(ticket_a)[-1] == "replied"


def test_note_action_writes_an_internal_note_the_customer_never_sees(api_as, agent_ali, customer_reza, ticket_a):
    api_as(agent_ali).post(f"/api/v1/tickets/{ticket_a.number}/note/", {"body": "SECRET"}, format="json")
    assert ticket_a.messages.filter(kind=Message.Kind.INTERNAL).count() == 1
    bodies = [m["body"] for m in api_as(customer_reza).get(f"/api/v1/tickets/{ticket_a.number}/messages/").json()["results"]]
    assert "SECRET" not in bodies and len(bodies) == 1
    assert api_as(customer_reza).post(f"/api/v1/tickets/{ticket_a.number}/note/", {"body": "x"}, format="json").status_code == 403


def test_transition_assign_classify_refer_answer_actions_call_their_services(api_as, agent_ali, ticket_a, product):
    api, url = api_as(agent_ali), f"/api/v1/tickets/{ticket_a.number}"
    assert api.post(f"{url}/assign/", {"assignee": agent_ali.pk}, format="json").json()["assignee"]["id"] == agent_ali.pk
    r = api.post(f"{url}/classify/", {"type": "defect", "priority": "high", "product": product.pk, "tags": ["Print"]}, format="json")
    assert (r.json()["type"], r.json()["priority"], r.json()["tags"]) == ("defect", "high", ["print"])
    r = api.post(f"{url}/refer/", {"unit": "development", "question": "Bug?", "external_url": "https://git.example/i/7"}, format="json")
    assert r.status_code == 201 and r.json()["external_url"] == "https://git.example/i/7"
    referral = Referral.objects.get(pk=r.json()["id"])
    r = api.post(f"{url}/answer/", {"referral": referral.pk, "answer": "Fixed in 4.2"}, format="json")
    assert r.json()["state"] == "answered"
    r = api.post(f"{url}/transition/", {"action": "resolve", "version": api.get(f"{url}/").json()["version"]}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert kinds(ticket_a)[1:] == ["assigned", "classified", "referred", "referral_answered", "status_changed"]


def test_merge_action_closes_the_duplicate_into_its_target(api_as, agent_ali, customer_reza, ticket_a, support_team):
    dup = services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject="Same", body="b", team=support_team)
    r = api_as(agent_ali).post(f"/api/v1/tickets/{dup.number}/merge/", {"target": ticket_a.number}, format="json")
    assert r.status_code == 200 and r.json()["number"] == ticket_a.number
    dup.refresh_from_db()
    assert dup.status == "closed" and dup.merged_into == ticket_a and "merged" in kinds(dup)


def test_stale_version_is_a_409_with_the_changes(api_as, agent_ali, ticket_a):
    api, seen_version = api_as(agent_ali), ticket_a.version
    services.ticket_assign(ticket_a, actor=agent_ali, assignee=agent_ali)  # somebody else, meanwhile
    r = api.post(f"/api/v1/tickets/{ticket_a.number}/transition/", {"action": "resolve", "version": seen_version}, format="json")
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "conflict" and [c["kind"] for c in error["changes"]] == ["assigned"]
    ticket_a.refresh_from_db()
    assert ticket_a.status == "new"


def test_api_speaks_the_token_owners_language_unless_the_request_asks(api_as, agent_ali, ticket_a):
    api = api_as(agent_ali)  # Ali's profile says Persian
    assert "مجاز" in api.post(f"/api/v1/tickets/{ticket_a.number}/transition/", {"action": "close"}, format="json").json()["error"]["message"]
    r = api.post(f"/api/v1/tickets/{ticket_a.number}/transition/", {"action": "close"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "not allowed" in r.json()["error"]["message"]


def test_errors_share_one_format(api_as, agent_ali, agent_sara, ticket_a):
    api = api_as(agent_ali)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api.key}", HTTP_ACCEPT_LANGUAGE="en")
    r = api.post(f"/api/v1/tickets/{ticket_a.number}/refer/", {"unit": "nowhere"}, format="json")
    assert r.status_code == 400 and set(r.json()["error"]["fields"]) == {"unit", "question"}
    r = api.post(f"/api/v1/tickets/{ticket_a.number}/transition/", {"action": "close"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid" and "not allowed" in r.json()["error"]["message"]
    r = api_as(agent_sara).post(f"/api/v1/tickets/{ticket_a.number}/reply/", {"body": "hi"}, format="json")
    assert r.status_code == 400 and "not a member" in r.json()["error"]["message"]  # Sara's own language: English
    r = api.get("/api/v1/tickets/999999/")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    for odd in ("/api/v1/tickets/abc/", "/api/v1/tickets/%0A/", "/api/v1/tickets/1%0A2/messages/"):
        r = api.get(odd)  # paths no route matches answer in the API's format too, never the site's HTML page
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", odd
    from rest_framework.test import APIClient
    r = APIClient().get("/api/v1/tickets/")
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("staff", [True, False])
def test_fast_list_rows_equal_the_documented_serializer(staff, agent_ali, customer_reza, ticket_a, product):
    from tickets import selectors
    from tickets.api.serializers import TicketSerializer, ticket_rows

    services.ticket_classify(ticket_a, actor=agent_ali, product=product, tags=["a"])
    services.ticket_assign(ticket_a, actor=agent_ali, assignee=agent_ali)
    if staff:
        items = selectors.ticket_list_for_agent(agent_ali, queue="all").items
    else:
        items = selectors.ticket_list_for_customer(customer_reza).items
    assert ticket_rows(items, staff=staff) == TicketSerializer(items, many=True, context={"staff": staff}).data
