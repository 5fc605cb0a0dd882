"""Every state change writes a TicketEvent; the ones integrations care about become webhook events.

Connected from TicketsConfig.ready (`from tickets import webhooks`). The receiver runs inside
the service's transaction: it reads the (small) Webhook table once per event and, only when
somebody subscribes, writes the deliveries, which are sent after commit by Celery. Writers that
bulk_create events (no post_save) call ticket_events_to_webhooks themselves.
"""
from django.db.models.signals import post_save
from django.dispatch import receiver

from tickets.models import TicketEvent

# TicketEvent.kind -> webhook event name. Kinds not listed (merged_from, auto_assign_skipped,
# email bookkeeping ...) are internal detail.
EVENTS = {
    "created": "ticket.created",
    "replied": "ticket.replied",
    "customer_replied": "ticket.customer_replied",
    "noted": "ticket.noted",
    "status_changed": "ticket.status_changed",
    "reopened": "ticket.reopened",
    "assigned": "ticket.assigned",
    "classified": "ticket.classified",
    "eta_set": "ticket.eta_set",
    "referred": "ticket.referred",
    "referral_answered": "ticket.referral_answered",
    "referral_overdue": "ticket.referral_overdue",
    "merged": "ticket.merged",
    "linked": "ticket.linked",
    "follow_up_opened": "ticket.follow_up_opened",
    "sla_warning": "sla.warning",
    "sla_breached": "sla.breached",
    "sla_escalated": "sla.escalated",
}


def event_payload(event: TicketEvent) -> dict:
    """What a receiver gets besides id and event: ids and numbers, no message bodies (fetch them
    through the API with a token, where the reader's permissions apply)."""
    from tickets.services.webhooks import site_url

    ticket = event.ticket
    return {
        "occurred_at": event.at.isoformat() if event.at else None,
        "ticket": {
            "number": ticket.number, "subject": ticket.subject, "status": ticket.status, "priority": ticket.priority,
            "type": ticket.type, "organization": ticket.organization_id, "requester": ticket.requester_id,
            "team": ticket.team_id, "assignee": ticket.assignee_id, "version": ticket.version,
            "url": site_url(f"/agent/tickets/{ticket.number}/"), "api_url": site_url(f"/api/v1/tickets/{ticket.number}/"),
        },
        "actor": {"user": event.actor_id, "contact": event.actor_contact_id},
        "data": event.data,
    }


@receiver(post_save, sender=TicketEvent, dispatch_uid="tickets.webhooks.ticket_event")
def ticket_event_to_webhooks(sender, instance, created, raw=False, **kwargs):
    name = EVENTS.get(instance.kind)
    if not created or raw or name is None:
        return
    from tickets.services.webhooks import subscribers, webhook_record

    hooks = subscribers(name)
    if hooks:
        webhook_record(name, event_payload(instance), hooks)


def ticket_events_to_webhooks(events) -> list:
    """The same for events written with bulk_create, which sends no post_save (the SLA scan):
    its writer calls this after the bulk_create, in the same transaction. One query for the
    subscriptions, whatever the number of events."""
    from tickets.models import Webhook
    from tickets.services.webhooks import subscribers, webhook_record

    named = [(EVENTS[e.kind], e) for e in events if e.kind in EVENTS]
    if not named:
        return []
    active = list(Webhook.objects.filter(is_active=True))
    deliveries = []
    for name, event in named:
        hooks = subscribers(name, active)
        if hooks:
            deliveries += webhook_record(name, event_payload(event), hooks)
    return deliveries
