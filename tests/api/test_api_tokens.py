"""Token lifecycle (create in the UI, use, revoke), hashing at rest, last-used bookkeeping and
throttling per token."""
import re
from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from tickets.models import ApiToken


def bearer(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def create_in_ui(client, url, name="CRM sync"):
    html = client.post(url, {"name": name}).content.decode()
    return re.search(r"(pt_[A-Za-z0-9_\-]+)</code>", html).group(1)


def test_agent_creates_uses_and_revokes_a_token_in_the_ui(client_for, agent_ali, ticket_a):
    client = client_for(agent_ali)
    key = create_in_ui(client, "/agent/tokens/")
    token = ApiToken.objects.get(user=agent_ali)
    assert bearer(key).get(f"/api/v1/tickets/{ticket_a.number}/").status_code == 200
    listing = client.get("/agent/tokens/").content.decode()
    assert token.prefix in listing and key not in listing  # shown once, never again
    client.post("/agent/tokens/", {"revoke": token.pk})
    response = bearer(key).get(f"/api/v1/tickets/{ticket_a.number}/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "authentication_failed"


def test_customer_token_page_and_portal_scope(client_for, customer_reza, ticket_a):
    key = create_in_ui(client_for(customer_reza), "/portal/tokens/")
    body = bearer(key).get("/api/v1/tickets/").json()
    assert [t["number"] for t in body["results"]] == [ticket_a.number]


def test_token_pages_belong_to_their_audience(client_for, customer_reza, agent_ali):
    assert client_for(customer_reza).get("/agent/tokens/").status_code == 404
    assert client_for(agent_ali).get("/portal/tokens/").status_code == 404


def test_someone_elses_token_cannot_be_revoked(client_for, agent_ali, agent_sara):
    token, _key = ApiToken.issue(agent_sara, "hers")
    client_for(agent_ali).post("/agent/tokens/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is None


def test_key_is_stored_only_as_its_hash(agent_ali):
    token, key = ApiToken.issue(agent_ali, "x")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in [str(v) for v in stored.values()]
    assert stored["key_hash"] == ApiToken.hash(key) and key.startswith(stored["prefix"])


def test_unknown_or_malformed_keys_are_401(db):
    assert bearer("pt_nope").get("/api/v1/tickets/").status_code == 401
    assert bearer("not-a-token").get("/api/v1/tickets/").status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer two parts")
    assert client.get("/api/v1/tickets/").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(agent_ali):
    token, key = ApiToken.issue(agent_ali, "x")
    api = bearer(key)
    api.get("/api/v1/products/")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    api.get("/api/v1/products/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    api.get("/api/v1/products/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_a_token_over_its_rate_gets_429(agent_ali, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"user": "3/min", "anon": "3/min"}}
    _token, key = ApiToken.issue(agent_ali, "x")  # a fresh key: a fresh counter in Redis
    api = bearer(key)
    codes = [api.get("/api/v1/products/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api.get("/api/v1/products/")
    assert response.json()["error"]["code"] == "throttled" and int(response.headers["Retry-After"]) > 0
    # another token of the same user is another integration, with its own budget
    assert bearer(ApiToken.issue(agent_ali, "y")[1]).get("/api/v1/products/").status_code == 200


def test_browser_session_works_without_a_token(client_for, agent_ali, ticket_a):
    assert client_for(agent_ali).get(f"/api/v1/tickets/{ticket_a.number}/").status_code == 200
