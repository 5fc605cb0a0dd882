"""Outgoing webhooks reach a real HTTP server, signed so the README's snippet verifies them;
a failing receiver is retried and every attempt logged. The tracker's incoming webhook answers
referrals."""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from tickets import services
from tickets.models import Notification, Referral, Webhook, WebhookDelivery
from tickets.services.webhooks import signature_header


def readme_verifier():
    """The verification snippet exactly as README.md shows it (the python block of its API section)."""
    readme = (Path(django_settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("## API and webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 (our own README)
    return namespace["verify_poshtiban_signature"]


class Receiver:
    """http.server on 127.0.0.1 in a thread, answering `status` and recording what arrived."""

    def __init__(self, status=200):
        self.status, self.received = status, []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.received.append((dict(self.headers), body))
                self.send_response(owner.status)
                self.end_headers()
                self.wfile.write(b"thanks" if owner.status < 300 else b"broken")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_reply_is_delivered_signed_and_the_readme_snippet_verifies_it(receiver, ticket_a, agent_ali,
                                                                      django_capture_on_commit_callbacks):
    Webhook.objects.create(url=receiver.url, secret="s3cret", events=["ticket.replied"])
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket_a, actor=agent_ali, body="Fixed.")
    [(headers, body)] = receiver.received
    verify = readme_verifier()
    assert verify("s3cret", headers["X-Poshtiban-Signature"], body)
    assert not verify("wrong", headers["X-Poshtiban-Signature"], body)
    assert not verify("s3cret", headers["X-Poshtiban-Signature"], body + b" ")
    assert not verify("s3cret", signature_header("s3cret", body, timestamp=1_000_000), body)  # stale
    payload = json.loads(body)
    assert headers["X-Poshtiban-Event"] == payload["event"] == "ticket.replied"
    assert payload["ticket"]["number"] == ticket_a.number and payload["ticket"]["status"] == "open"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)
    assert str(delivery.pk) == headers["X-Poshtiban-Delivery"]


def test_failing_endpoint_is_retried_then_marked_failed(receiver, ticket_a, agent_ali, settings,
                                                        django_capture_on_commit_callbacks):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.status = 500
    Webhook.objects.create(url=receiver.url, secret="s", events=[])
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_note(ticket_a, actor=agent_ali, body="internal")
    delivery = WebhookDelivery.objects.get()
    assert len(receiver.received) == 3
    assert (delivery.event, delivery.state, delivery.attempts, delivery.response_status) == ("ticket.noted", "failed", 3, 500)
    assert delivery.response_body == "broken"


def test_unreachable_endpoint_is_logged_with_the_error(ticket_a, agent_ali, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    Webhook.objects.create(url="http://127.0.0.1:9/closed", secret="s")
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_note(ticket_a, actor=agent_ali, body="internal")
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed" and delivery.attempts == 2 and delivery.response_status is None
    assert "Error" in delivery.response_body


def test_only_subscribed_active_webhooks_get_a_delivery(receiver, ticket_a, agent_ali, django_capture_on_commit_callbacks):
    Webhook.objects.create(url=receiver.url, secret="s", events=["sla.breached"])
    Webhook.objects.create(url=receiver.url, secret="s", is_active=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.ticket_classify(ticket_a, actor=agent_ali, priority="high")
    assert WebhookDelivery.objects.count() == 0 and receiver.received == [] and callbacks == []


def test_delivery_is_sent_after_commit_not_inside_the_request(receiver, ticket_a, agent_ali, django_capture_on_commit_callbacks):
    Webhook.objects.create(url=receiver.url, secret="s")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.ticket_assign(ticket_a, actor=agent_ali, assignee=agent_ali)
    assert receiver.received == [] and len(callbacks) == 1
    assert WebhookDelivery.objects.get().state == "pending"


def test_worker_retries_with_growing_backoff(receiver, ticket_a, monkeypatch):
    """Outside eager mode a failure schedules a retry (acks_late keeps the message until then)."""
    from celery.exceptions import Retry

    from tickets import tasks_webhooks

    receiver.status = 503
    hook = Webhook.objects.create(url=receiver.url, secret="s")
    delivery = WebhookDelivery.objects.create(webhook=hook, event="ticket.created", payload={})
    countdowns = []
    monkeypatch.setattr(tasks_webhooks.webhook_deliver, "retry", lambda countdown: countdowns.append(countdown) or Retry())
    for retries in range(3):
        tasks_webhooks.webhook_deliver.push_request(retries=retries, is_eager=False)
        try:
            with pytest.raises(Retry):
                tasks_webhooks.webhook_deliver.run(delivery.pk)
        finally:
            tasks_webhooks.webhook_deliver.pop_request()
    assert countdowns[0] < countdowns[1] < countdowns[2] and tasks_webhooks.webhook_deliver.acks_late
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("pending", 3, 503)


# --- the development tracker

def tracker(settings, token="tr-secret"):
    settings.TRACKER_WEBHOOK_TOKEN = "tr-secret"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


ISSUE = "https://git.example/acme/hesab/issues/42"


@pytest.fixture
def referred(ticket_a, agent_ali, manager_maryam):
    """Ali works the ticket; Maryam referred it to development with the tracker issue's URL."""
    services.ticket_assign(ticket_a, actor=agent_ali, assignee=agent_ali)
    from tickets.services.webhooks import ticket_refer_tracked

    return ticket_refer_tracked(ticket_a, actor=manager_maryam, unit="development", question="Is it a bug?", external_url=ISSUE)


def test_tracker_closing_the_issue_answers_the_referral_and_notifies_the_agent(settings, referred, agent_ali):
    response = tracker(settings).post("/api/v1/tracker/webhook", {
        "issue_url": ISSUE, "state": "closed", "comment": "Fixed in 4.2.1", "author": "Dev Dariush"}, format="json")
    assert response.status_code == 200 and response.json() == {"answered": [referred.pk], "skipped": []}
    referred.refresh_from_db()
    assert (referred.state, referred.answer, referred.answered_by) == ("answered", "Fixed in 4.2.1", "Dev Dariush")
    assert referred.ticket.status == "open"  # resumed from on hold
    assert Notification.objects.filter(user=agent_ali, kind="referral_answered").exists()


def test_tracker_state_other_than_closed_changes_nothing(settings, referred):
    response = tracker(settings).post("/api/v1/tracker/webhook", {"issue_url": ISSUE, "state": "in progress"}, format="json")
    assert response.json() == {"answered": [], "skipped": []}
    assert Referral.objects.get(pk=referred.pk).state == "open"


@pytest.mark.parametrize("configured, sent", [("tr-secret", "wrong"), ("tr-secret", ""), ("", "")])
def test_tracker_webhook_needs_the_configured_token(settings, referred, configured, sent):
    client = tracker(settings, token=sent)
    settings.TRACKER_WEBHOOK_TOKEN = configured
    response = client.post("/api/v1/tracker/webhook", {"issue_url": ISSUE, "state": "closed"}, format="json")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
    assert Referral.objects.get(pk=referred.pk).state == "open"


def test_bulk_created_sla_events_reach_webhooks_through_the_helper(receiver, ticket_a, django_capture_on_commit_callbacks):
    """The SLA scan bulk_creates its events (no post_save): it hands them to ticket_events_to_webhooks."""
    from tickets.models import TicketEvent
    from tickets.webhooks import ticket_events_to_webhooks

    Webhook.objects.create(url=receiver.url, secret="s", events=["sla.breached"])
    with django_capture_on_commit_callbacks(execute=True):
        events = TicketEvent.objects.bulk_create([
            TicketEvent(ticket=ticket_a, kind="sla_warning", data={"target": "first_response"}),
            TicketEvent(ticket=ticket_a, kind="sla_breached", data={"target": "first_response"})])
        ticket_events_to_webhooks(events)
    [(headers, body)] = receiver.received
    assert headers["X-Poshtiban-Event"] == "sla.breached" and json.loads(body)["data"]["target"] == "first_response"
