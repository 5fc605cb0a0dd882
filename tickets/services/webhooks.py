"""Outgoing webhooks (sign, record, deliver) and the development tracker's incoming one.

A delivery is a WebhookDelivery row written in the same transaction as the change it reports
(a rolled-back change sends nothing), then POSTed after commit by a Celery task that owns the
retries. The body is signed with HMAC-SHA256 over "{timestamp}.{body}" so the receiver can check
both who sent it and that it is fresh (README: "Verifying a delivery").
"""
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.models import Referral, Webhook, WebhookDelivery
from tickets.services.errors import TicketError
from tickets.services.read_once import once

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
RESPONSE_KEEP_CHARS = 2000


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def encode(payload) -> bytes:
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def subscribers(event: str, active=None) -> list:
    """Active webhooks that want `event` (an empty event list means every event)."""
    if active is None:
        active = once("active_webhooks", lambda: list(Webhook.objects.filter(is_active=True)))
    return [w for w in active if not w.events or event in w.events]


def webhook_record(event: str, payload: dict, hooks=None) -> list:
    """Write a pending delivery per subscriber and send each after commit. Returns the deliveries."""
    hooks = subscribers(event) if hooks is None else hooks
    if not hooks:
        return []
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook=w, event=event, payload=payload) for w in hooks])
    from tickets import tasks_webhooks

    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: tasks_webhooks.webhook_deliver.delay(pk))
    return deliveries


def webhook_deliver(delivery_id: int, *, final: bool = False) -> bool:
    """POST one delivery; True when the receiver answered 2xx (or it was already delivered).

    On failure the delivery stays pending for the task's next retry, or becomes failed when
    `final`. Each attempt's status and the start of the response are kept for the admin.
    """
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.state == WebhookDelivery.State.DELIVERED:
        return True
    body = encode({"id": delivery.pk, "event": delivery.event, **delivery.payload})
    request = urllib.request.Request(delivery.webhook.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Poshtiban-Webhook/1",
        "X-Poshtiban-Event": delivery.event,
        "X-Poshtiban-Delivery": str(delivery.pk),
        "X-Poshtiban-Signature": signature_header(delivery.webhook.secret, body),
    })
    status, text = None, ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (admin-set URL)
            status, text = response.status, response.read(RESPONSE_KEEP_CHARS).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read(RESPONSE_KEEP_CHARS).decode("utf-8", "replace")
    except (OSError, ValueError) as exc:  # refused, timeout, DNS, bad URL
        text = f"{type(exc).__name__}: {exc}"
    ok = status is not None and 200 <= status < 300
    state = WebhookDelivery.State.DELIVERED if ok else (WebhookDelivery.State.FAILED if final else WebhookDelivery.State.PENDING)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=F("attempts") + 1, response_status=status, response_body=text[:RESPONSE_KEEP_CHARS], state=state,
        delivered_at=timezone.now() if ok else None)
    if not ok:
        log.warning("webhook delivery %s to %s failed (%s): %s", delivery.pk, delivery.webhook.url, status, text[:200])
    return ok


# --- the development tracker

@transaction.atomic
def ticket_refer_tracked(ticket, *, actor, external_url="", **kwargs):
    """ticket_refer, plus the tracker issue the development team opened for it (if any)."""
    from tickets.services.referrals import ticket_refer

    referral = ticket_refer(ticket, actor=actor, **kwargs)
    if external_url:
        referral.external_url = external_url.strip()
        referral.save(update_fields=["external_url"])
    return referral


DONE_STATES = {"closed", "resolved", "done", "fixed", "completed", "merged"}


def tracker_issue_update(issue_url: str, *, state: str, comment: str = "", author: str = "") -> dict:
    """The tracker reports an issue's state; a finished issue answers every open referral linked to it.

    The answer is recorded as the agent who referred (referral_answer checks that they may work
    the ticket) and attributed to the tracker's author; the ticket's agent is notified by it.
    """
    result = {"answered": [], "skipped": []}
    if state.strip().lower() not in DONE_STATES:
        return result
    url = issue_url.strip()
    open_referrals = (Referral.objects.filter(external_url__in={url, url.rstrip("/"), url.rstrip("/") + "/"},
                                              state=Referral.State.OPEN).select_related("created_by").order_by("pk"))
    answer = comment.strip() or _("The issue was closed in the development tracker: %(url)s") % {"url": url}
    from tickets.services.referrals import referral_answer

    for referral in open_referrals:
        try:
            referral_answer(referral, actor=referral.created_by, answer=answer,
                            answered_by=author.strip() or _("Development tracker"))
        except TicketError as exc:
            result["skipped"].append({"referral": referral.pk, "reason": " ".join(exc.messages)})
        except PermissionDenied as exc:  # the referring user is no longer staff
            result["skipped"].append({"referral": referral.pk, "reason": str(exc)})
        else:
            result["answered"].append(referral.pk)
    return result


def site_url(path: str) -> str:
    return settings.SITE_URL + path
