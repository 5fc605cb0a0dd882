"""Every write to tickets goes through these functions. Each checks its input and the actor's
role, changes nothing on error (TicketError), and writes a TicketEvent for what it changed."""
from tickets.services.assignment import ticket_assign, ticket_auto_assign
from tickets.services.create import ticket_create
from tickets.services.errors import ConflictError, TicketError
from tickets.services.merge import ticket_link, ticket_merge
from tickets.services.messages import ticket_customer_reply, ticket_note, ticket_reply
from tickets.services.referrals import referral_answer, ticket_refer
from tickets.services.workflow import ticket_classify, ticket_set_eta, ticket_transition

__all__ = [
    "ConflictError", "TicketError", "referral_answer", "ticket_assign", "ticket_auto_assign", "ticket_classify",
    "ticket_create", "ticket_customer_reply", "ticket_link", "ticket_merge", "ticket_note", "ticket_refer",
    "ticket_reply", "ticket_set_eta", "ticket_transition",
]
