"""The failure path of the mail tasks: a mail that could not be sent is written on its ticket.

Celery calls on_failure once, when the task has failed for good: after the last automatic retry,
or at once for an error it does not retry (a permanent 5xx refusal, a malformed address). The
event is written without bumping the ticket's version: a failed mail is news for the agent, not a
change to the ticket, and must not turn an agent's open form into an edit conflict.
"""
import logging

from celery import Task

from tickets.mail_out.compose import describe
from tickets.models import Ticket, TicketEvent

log = logging.getLogger(__name__)


def record_failure(outbound: dict, exc: BaseException):
    if not Ticket.objects.filter(pk=outbound["ticket_id"]).exists():
        return None
    return TicketEvent.objects.create(ticket_id=outbound["ticket_id"], kind="email_failed", data={
        "to": list(outbound["to"]), "subject": outbound["subject"], "error": describe(exc)})


class EmailTask(Task):

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        outbound = getattr(exc, "outbound", None)
        log.warning("email task %s%r failed for good: %s", self.name, tuple(args or ()), exc)
        if outbound:
            try:
                record_failure(outbound, exc)
            except Exception:  # the failure path must not hide the original error
                log.exception("could not record the failed email on ticket %s", outbound.get("ticket_id"))
        super().on_failure(exc, task_id, args, kwargs, einfo)
