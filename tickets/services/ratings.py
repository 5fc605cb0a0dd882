"""Satisfaction ratings: one per ticket, after resolution, from the portal or a signed email link."""
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from tickets import states
from tickets.models import SatisfactionRating
from tickets.services.base import lock_ticket, record, save
from tickets.services.errors import TicketError

RATING_SALT = "rating"
# Long enough to read the resolution email after a holiday; short enough that an old mailbox
# leak cannot be used to rate forever.
RATING_LINK_MAX_AGE = 30 * 24 * 3600


class AlreadyRated(TicketError):
    """The ticket has its rating; a second one is refused, never overwritten."""


def rating_token(ticket) -> str:
    return signing.TimestampSigner(salt=RATING_SALT).sign(str(ticket.pk))


def rating_link(ticket) -> str:
    return settings.SITE_URL + reverse("portal:rate_link", kwargs={"token": rating_token(ticket)})


def rating_token_ticket_id(token: str) -> int:
    """The ticket id a link carries. Raises signing.SignatureExpired (old) or BadSignature (forged)."""
    value = signing.TimestampSigner(salt=RATING_SALT).unsign(token, max_age=RATING_LINK_MAX_AGE)
    try:
        return int(value)
    except ValueError:
        raise signing.BadSignature("not a ticket id") from None


@transaction.atomic
def rating_submit(ticket, *, contact, score, comment="", source=SatisfactionRating.Source.PORTAL):
    """Record the customer's verdict; the agent it credits is the assignee at rating time."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise TicketError(_("Choose a score from 1 to 5."))
    if source not in SatisfactionRating.Source.values:
        raise TicketError(_("Unknown rating source."))
    ticket = lock_ticket(ticket)  # two clicks on the same link serialise here
    if contact is not None and contact.organization_id != ticket.organization_id:
        raise TicketError(_("This ticket belongs to another organisation."))
    if ticket.status not in (states.RESOLVED, states.CLOSED):
        raise TicketError(_("You can rate a request once it has been resolved."))
    if SatisfactionRating.objects.filter(ticket=ticket).exists():
        raise AlreadyRated(_("This request has already been rated. Thank you!"))
    try:
        with transaction.atomic():
            rating = SatisfactionRating.objects.create(ticket=ticket, contact=contact, score=score,
                                                       comment=(comment or "").strip()[:5000], source=source,
                                                       agent_id=ticket.assignee_id)
    except IntegrityError:
        raise AlreadyRated(_("This request has already been rated. Thank you!")) from None
    record(ticket, "rated", actor_contact=contact, score=score, source=source, rating=rating.pk)
    save(ticket)
    return rating
