"""outsider_olga (org B) walks every portal URL, and every action, with org A's ids: each one
is a 404, and no page she can load carries anything of org A (lists, counts, search, cursors)."""
import re

import pytest
from django.urls import get_resolver

from tickets import keyset
from tickets.models import SatisfactionRating
from tickets.services import ratings

SECRETS = ("Invoice print fails", "public answer", "SECRET internal note", "fix.txt", "server.log", "Reza Tehrani")


def portal_routes():
    """(name, route) for every pattern under the portal namespace, straight from the resolver."""
    _prefix, resolver = get_resolver().namespace_dict["portal"]
    return [(p.name, str(p.pattern)) for p in resolver.url_patterns]


def fill(route, ids):
    return "/portal/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)


@pytest.fixture
def org_a_ids(org_a_world, resolved_ticket):
    public = org_a_world.messages.get(body="public answer").attachments.get()
    internal = org_a_world.messages.get(body="SECRET internal note").attachments.get()
    forged = ratings.rating_token(org_a_world)[:-3] + "abc"  # olga cannot sign; she can only guess
    return {"number": org_a_world.number, "attachment_id": public.pk, "internal_id": internal.pk, "token": forged}


def test_every_portal_route_with_an_id_of_org_a_is_a_404_for_the_outsider(client, org_a_ids, outsider_olga):
    client.force_login(outsider_olga)
    with_ids = [(name, route) for name, route in portal_routes() if "<" in route]
    assert {"ticket", "attachment", "rate", "rate_link"} <= {name for name, _ in with_ids}
    for name, route in with_ids:
        url = fill(route, org_a_ids)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"do": "reply", "body": "hi", "score": 1}).status_code == 404, url
    assert client.get(f"/portal/attachments/{org_a_ids['internal_id']}/").status_code == 404


def test_every_action_of_the_outsider_on_org_a_changes_nothing(client, org_a_ids, org_a_world, outsider_olga, org_a):
    client.force_login(outsider_olga)
    before = org_a_world.messages.count(), org_a_world.events.count()
    url = f"/portal/tickets/{org_a_ids['number']}/"
    for action in ("reply", "close", "reopen", "withdraw", "rate", ""):
        assert client.post(url, {"do": action, "body": "hi"}).status_code == 404, action
        assert client.post(url, {"do": action, "body": "hi"}, HTTP_HX_REQUEST="true").status_code == 404, action
    assert client.post(f"/portal/tickets/{org_a_ids['number']}/rate/", {"score": 1}).status_code == 404
    assert client.post(f"/agent/contacts/{org_a_world.requester_id}/invite/").status_code == 404
    assert (org_a_world.messages.count(), org_a_world.events.count()) == before
    assert not SatisfactionRating.objects.filter(ticket=org_a_world).exists()


def test_pages_the_outsider_can_load_show_nothing_of_org_a(client, org_a_ids, org_a_world, outsider_olga):
    client.force_login(outsider_olga)
    cursor = keyset.encode(org_a_world.created_at.replace(year=2100), 10**12)  # "everything before the end of time"
    pages = [fill(route, org_a_ids) for _name, route in portal_routes() if "<" not in route]
    pages += ["/portal/?status=open", "/portal/?status=closed", "/portal/?q=Invoice", f"/portal/?cursor={cursor}",
              "/portal/?q=Reza"]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        html = response.content.decode()
        for secret in SECRETS:
            assert secret not in html, (url, secret)
        assert f"/portal/tickets/{org_a_world.number}/" not in html, url


def test_outsider_lists_only_her_own_requests(client, org_a_world, outsider_olga):
    from tickets.services import ticket_create

    mine = ticket_create(actor=outsider_olga, requester=outsider_olga.contact, subject="Olga's own", body="x")
    client.force_login(outsider_olga)
    html = client.get("/portal/").content.decode()
    assert "Olga&#x27;s own" in html and f"/portal/tickets/{mine.number}/" in html
    assert f"/portal/tickets/{org_a_world.number}/" not in html


def test_anonymous_visitor_is_sent_to_login_from_every_private_portal_route(client, org_a_ids):
    public = {"rate_link", "register"}
    for name, route in portal_routes():
        if name in public:
            continue
        response = client.get(fill(route, org_a_ids))
        assert response.status_code == 302 and "/login/" in response.url, route
