"""Every read that matters. Access getters 404 outside what the user may see."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from customers import roles
from tickets import keyset, states
from tickets.models import Attachment, Message, Referral, Ticket, TicketEvent

QUEUES = ("mine", "team_unassigned", "open", "waiting", "referred", "breaching", "breached", "recent", "all")
BREACHING_WINDOW = timedelta(hours=2)
PAGE_SIZE = 50

# Sorts usable with keyset pagination: each is (fields, directions) over an index in models.py.
SORTS = {
    "due": ("next_due_at", "id"),
    "updated": ("-updated_at", "-id"),
    "created": ("-created_at", "-id"),
}


@dataclass
class Page:
    items: list
    next_cursor: str | None


def queue_filter(queue: str, user, now=None) -> Q:
    now = now or timezone.now()
    open_q = Q(status__in=sorted(states.OPEN_STATES))
    if queue == "mine":
        return open_q & Q(assignee=user)
    if queue == "team_unassigned":
        # ids, not a subquery: with one team the planner walks the (team, due) index in order
        team_ids = list(user.teams.values_list("pk", flat=True))
        return open_q & Q(assignee__isnull=True) & Q(team_id__in=team_ids)
    if queue == "open":
        return open_q
    if queue == "waiting":
        return Q(status=states.PENDING_CUSTOMER)
    if queue == "referred":
        return Q(status=states.ON_HOLD)
    if queue == "breaching":
        return open_q & Q(next_due_at__gte=now, next_due_at__lt=now + BREACHING_WINDOW)
    if queue == "breached":
        return open_q & Q(next_due_at__lt=now)
    if queue in ("recent", "all"):
        return Q()
    raise Http404("unknown queue")


def _queue_row(qs):
    """What a queue row shows, joined in the same query."""
    return qs.select_related("organization", "requester", "assignee", "team", "product").only(
        "number", "subject", "status", "type", "priority", "channel", "tags", "created_at", "updated_at",
        "next_due_at", "first_response_due_at", "resolution_due_at", "eta", "version",
        "organization__name", "requester__name", "assignee__username", "assignee__first_name",
        "assignee__last_name", "team__name", "product__name",
    )


def ticket_list_for_agent(user, *, queue="open", filters=None, sort="due", cursor=None,
                          limit=PAGE_SIZE, now=None) -> Page:
    """One page of a queue, in one query whatever the queue's size (keyset, no OFFSET, no COUNT).

    `filters` is query data for TicketFilter (a QueryDict or dict); invalid values are ignored.
    """
    from tickets.filters import TicketFilter

    roles.require_staff(user)
    if sort not in SORTS:
        sort = "due"
    qs = Ticket.objects.filter(queue_filter(queue, user, now))
    if filters:
        qs = TicketFilter(filters, queryset=qs).qs
    if sort == "due":
        items, next_cursor = keyset.page_ascending_nulls_last(qs, "next_due_at", cursor, limit, _queue_row)
    else:
        items, next_cursor = keyset.page_descending(qs, SORTS[sort][0].lstrip("-"), cursor, limit, _queue_row)
    return Page(items=items, next_cursor=next_cursor)


def ticket_get_for_agent(user, number) -> Ticket:
    roles.require_staff(user)
    try:
        return Ticket.objects.select_related(
            "organization", "requester", "assignee", "team", "product", "contract", "merged_into", "sla_policy"
        ).get(number=number)
    except (Ticket.DoesNotExist, ValueError):
        raise Http404("no such ticket") from None


def _customer_scope(user) -> Q:
    """What a customer may see: their own tickets, or all of their organisation's for its admin."""
    contact = roles.customer_contact(user)
    if contact is None:
        raise Http404("not a customer")
    if contact.is_org_admin:
        return Q(organization_id=contact.organization_id)
    return Q(organization_id=contact.organization_id) & (Q(requester=contact) | Q(followers=contact))


def _portal_row(qs):
    """What a row of the portal's list shows (templates/portal/tickets.html): five columns, the
    requester's name among them rather than a Contact built per row."""
    return qs.only("number", "subject", "status", "created_at").annotate(requester_name=F("requester__name"))


def ticket_list_for_customer(user, *, cursor=None, limit=PAGE_SIZE, status=None, portal_rows=False) -> Page:
    """A customer's tickets, newest first: whole tickets with their requester, or with
    portal_rows only what the portal's list shows (t.requester_name for the requester)."""
    qs = Ticket.objects.filter(_customer_scope(user))
    # An org admin's scope is the organisation alone: its index gives the page in order, one query.
    # Anyone else's joins the followers, which repeats rows: DISTINCT, ids first, then the rows.
    admin = roles.customer_contact(user).is_org_admin
    if not admin:
        qs = qs.distinct()
    if status == "open":
        qs = qs.filter(status__in=sorted(states.OPEN_STATES | {states.RESOLVED}))
    elif status == "closed":
        qs = qs.filter(status=states.CLOSED)
    hydrate = _portal_row if portal_rows else (lambda q: q.select_related("requester"))
    items, next_cursor = keyset.page_descending(qs, "created_at", cursor, limit, hydrate, one_query=admin)
    return Page(items=items, next_cursor=next_cursor)


def ticket_get_for_customer(user, number) -> Ticket:
    """The access getter of the portal: another organisation's ticket is a plain 404."""
    try:
        return Ticket.objects.filter(_customer_scope(user)).select_related("requester", "organization").distinct().get(number=number)
    except (Ticket.DoesNotExist, ValueError):
        raise Http404("no such ticket") from None


def ticket_messages(ticket, *, public_only: bool):
    """The conversation with authors and attachments in three queries, whatever its length."""
    from tickets.models import InboundEmail

    # to_attr lists, not managers: a template asking m.attachments.all on 200 messages would clone
    # a queryset each time, which costs more than the queries themselves.
    qs = ticket.messages.select_related("author_user", "author_contact").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.only("id", "message_id", "filename", "size", "content_type"),
                 to_attr="attachment_list")
    )
    if public_only:
        qs = qs.filter(kind=Message.Kind.PUBLIC)
    else:  # staff see a link to the original email; never load the raw bytes for it
        qs = qs.prefetch_related(Prefetch("inbound_emails", queryset=InboundEmail.objects.only("id", "message_id"),
                                          to_attr="inbound_list"))
    return list(qs.order_by("created_at", "id"))


def ticket_referrals(ticket):
    return list(Referral.objects.filter(ticket=ticket).select_related("created_by").order_by("created_at"))


def ticket_timeline(ticket):
    """Messages, events and referrals merged in time order, for the agent's ticket page."""
    messages = ticket_messages(ticket, public_only=False)
    events = list(
        TicketEvent.objects.filter(ticket=ticket).exclude(kind__in=("replied", "noted", "customer_replied"))
        .select_related("actor", "actor_contact").order_by("at", "id")
    )
    referrals = list(Referral.objects.filter(ticket=ticket).select_related("created_by").order_by("created_at"))
    entries = [("message", m.created_at, m) for m in messages] + [("event", e.at, e) for e in events]
    entries.sort(key=lambda e: e[1])
    return entries, referrals


def attachment_get_for_user(user, attachment_id) -> Attachment:
    """A file is as visible as its message: staff see all; customers only public messages of their tickets."""
    qs = Attachment.objects.select_related("message__ticket")
    if roles.is_staff_user(user):
        pass
    else:
        qs = qs.filter(message__kind=Message.Kind.PUBLIC, message__ticket__in=Ticket.objects.filter(_customer_scope(user)))
    try:
        return qs.get(pk=attachment_id)
    except (Attachment.DoesNotExist, ValueError):
        raise Http404("no such attachment") from None


def queue_counts(user, now=None):
    """Counts on the queue tabs: one aggregate over open tickets, cached for 30 s per agent (a
    million-row COUNT on every page view is what makes other helpdesks slow)."""
    from django.core.cache import cache
    from django.db.models import Count

    key = f"queue-counts:{user.pk}"
    hit = cache.get(key)
    if hit is not None:
        return hit
    now = now or timezone.now()
    team_ids = list(user.teams.values_list("pk", flat=True))
    open_qs = Ticket.objects.filter(status__in=sorted(states.OPEN_STATES))
    counts = open_qs.aggregate(
        mine=Count("id", filter=Q(assignee=user)),
        team_unassigned=Count("id", filter=Q(assignee__isnull=True, team_id__in=team_ids)),
        open=Count("id"),
        waiting=Count("id", filter=Q(status=states.PENDING_CUSTOMER)),
        referred=Count("id", filter=Q(status=states.ON_HOLD)),
        breaching=Count("id", filter=Q(next_due_at__gte=now, next_due_at__lt=now + BREACHING_WINDOW)),
        breached=Count("id", filter=Q(next_due_at__lt=now)),
    )
    cache.set(key, counts, 30)
    return counts


def staff_choices():
    """Agents for assignment pickers; cached a minute (every queue page shows them)."""
    from django.core.cache import cache

    from customers.models import User

    hit = cache.get("staff-choices")
    if hit is not None:
        return hit
    value = list(User.objects.filter(role__in=sorted(roles.STAFF_ROLES), is_active=True).order_by("first_name", "username")
                 .only("id", "username", "first_name", "last_name"))
    cache.set("staff-choices", value, 60)
    return value


def customer_card(ticket):
    """Who is asking: their organisation's open tickets, recent history and satisfaction (3 queries)."""
    from django.db.models import Avg

    from tickets.models import SatisfactionRating

    from django.core.cache import cache

    # The organisation's figures change slowly and a big customer has thousands of tickets:
    # a minute-old count is as good as a fresh one on every page view.
    key = f"org-card:{ticket.organization_id}"
    figures = cache.get(key)
    if figures is None:
        org_open = Ticket.objects.filter(organization_id=ticket.organization_id, status__in=sorted(states.OPEN_STATES)).count()
        rating = SatisfactionRating.objects.filter(ticket__organization_id=ticket.organization_id).aggregate(avg=Avg("score"))
        figures = {"org_open": org_open, "satisfaction": rating["avg"]}
        cache.set(key, figures, 60)
    recent = list(Ticket.objects.filter(requester_id=ticket.requester_id).exclude(pk=ticket.pk)
                  .only("number", "subject", "status", "created_at").order_by("-created_at")[:5])
    return {**figures, "recent": recent}


def canned_for(user, ticket):
    from tickets.models import CannedResponse

    return list(CannedResponse.objects.filter(Q(team__isnull=True) | Q(team_id=ticket.team_id)).only("id", "title", "language"))


def filter_choices():
    """(id, name) lists for the queue's filter pickers; cached a minute. Rendering a few hundred
    <option>s through form widgets costs more than the whole queue query, so the page loops plain lists."""
    from django.core.cache import cache

    from customers.models import Organization, Product
    from tickets.models import Team

    hit = cache.get("filter-choices")
    if hit is not None:
        return hit
    value = {
        "teams": list(Team.objects.order_by("name").values_list("pk", "name")),
        "organizations": list(Organization.objects.order_by("name").values_list("pk", "name")),
        "products": list(Product.objects.filter(is_active=True).order_by("name").values_list("pk", "name")),
    }
    cache.set("filter-choices", value, 60)
    return value
