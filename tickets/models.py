"""The work: teams, tickets, their messages, attachments, events and referrals.

Every index here exists for a query in selectors.py; their names say which.
"""
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets import states


class NextTicketNumber(Func):
    """Human ticket numbers come from a PostgreSQL sequence (created in migration 0001), so they
    are gap-tolerant, never reused, and need no lock or extra query on insert."""

    template = "nextval('tickets_ticket_number_seq')"
    output_field = models.BigIntegerField()

    def __init__(self):
        super().__init__()


class Team(models.Model):
    class AutoAssign(models.TextChoices):
        OFF = "off", _("Off")
        ROUND_ROBIN = "round_robin", _("Round robin")
        LEAST_LOADED = "least_loaded", _("Least loaded")

    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True, verbose_name=_("members"))
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team lead"))
    auto_assign = models.CharField(_("automatic assignment"), max_length=16, choices=AutoAssign.choices, default=AutoAssign.OFF)
    # Round-robin cursor: the id of the member who got the last ticket.
    last_assigned_user_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TicketType(models.TextChoices):
    QUESTION = "question", _("Training question")
    DEFECT = "defect", _("Software defect")
    USER_ERROR = "user_error", _("User error")
    FEATURE_REQUEST = "feature_request", _("Feature request")
    CUSTOMIZATION = "customization", _("Customisation")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {"low": 0, "normal": 1, "high": 2, "urgent": 3}


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    API = "api", _("API")
    VISIT = "visit", _("In person")


class Status(models.TextChoices):
    NEW = states.NEW, _("New")
    OPEN = states.OPEN, _("Open")
    PENDING_CUSTOMER = states.PENDING_CUSTOMER, _("Waiting on customer")
    ON_HOLD = states.ON_HOLD, _("On hold")
    RESOLVED = states.RESOLVED, _("Resolved")
    CLOSED = states.CLOSED, _("Closed")


OPEN_Q = Q(status__in=sorted(states.OPEN_STATES))


class Ticket(models.Model):
    number = models.BigIntegerField(_("number"), unique=True, db_default=NextTicketNumber(), editable=False)
    subject = models.CharField(_("subject"), max_length=300)
    organization = models.ForeignKey("customers.Organization", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("organisation"))
    requester = models.ForeignKey("customers.Contact", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("requester"))
    contract = models.ForeignKey("customers.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets", verbose_name=_("contract"))
    product = models.ForeignKey("customers.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets", verbose_name=_("product"))
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets", verbose_name=_("team"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_tickets", verbose_name=_("assignee"))
    followers = models.ManyToManyField("customers.Contact", blank=True, related_name="followed_tickets", verbose_name=_("followers"))

    status = models.CharField(_("state"), max_length=20, choices=Status.choices, default=Status.NEW)
    type = models.CharField(_("type"), max_length=20, choices=TicketType.choices, default=TicketType.QUESTION)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True, verbose_name=_("tags"))

    # default, not auto_now_add: services pass their clock, so SLA maths and tests agree on "now".
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_agent_message_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    eta = models.DateTimeField(_("estimated resolution"), null=True, blank=True, help_text=_("Shown to the customer."))
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from", verbose_name=_("merged into"))

    # SLA deadlines are stored, indexed columns: queues sort on them and the escalation scan
    # reads only rows that are due, whatever the number of open tickets.
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True, help_text=_("The earliest pending deadline."))
    sla_next_check_at = models.DateTimeField(null=True, blank=True, editable=False)

    # SLA bookkeeping: which policy applied, when the clock was paused, what was already
    # emitted (flags carry the deadline they were for, so a moved deadline warns afresh),
    # and the achieved figures, stored when they happen so reports never recompute history.
    sla_policy = models.ForeignKey("customers.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("SLA policy"))
    sla_paused_since = models.DateTimeField(null=True, blank=True, editable=False)
    sla_flags = ArrayField(models.CharField(max_length=80), default=list, blank=True, editable=False)
    first_response_minutes = models.PositiveIntegerField(_("first response (business minutes)"), null=True, blank=True, editable=False)
    first_response_breached = models.BooleanField(_("first response breached"), null=True, blank=True, editable=False)
    resolution_minutes = models.PositiveIntegerField(_("resolution (business minutes)"), null=True, blank=True, editable=False)
    resolution_breached = models.BooleanField(_("resolution breached"), null=True, blank=True, editable=False)

    # Optimistic concurrency: every write bumps it; a form carries the version it was built from.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # Queues over open tickets walk these partial indexes in deadline order; the WHERE
            # matches OPEN_Q exactly so the planner can prove the predicate.
            models.Index(fields=["next_due_at", "id"], name="ticket_open_due", condition=OPEN_Q),
            models.Index(fields=["assignee", "next_due_at", "id"], name="ticket_open_assignee_due", condition=OPEN_Q),
            models.Index(fields=["team", "next_due_at", "id"], name="ticket_open_unassigned_due",
                         condition=OPEN_Q & Q(assignee__isnull=True)),
            # "waiting on customer", "referred": one state, by deadline
            models.Index(fields=["status", "next_due_at", "id"], name="ticket_status_due"),
            # "recently updated"
            models.Index(fields=["status", "-updated_at", "-id"], name="ticket_status_updated"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated"),
            # portal lists and per-customer history
            models.Index(fields=["organization", "-created_at", "-id"], name="ticket_org_created"),
            models.Index(fields=["requester", "-created_at", "-id"], name="ticket_requester_created"),
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            # manager reports: resolved-in-period figures, and created-in-period volume read from the index alone
            models.Index(fields=["resolved_at"], name="ticket_resolved", condition=Q(resolved_at__isnull=False)),
            models.Index(fields=["created_at"], name="ticket_report_created",
                         include=["priority", "channel", "type", "product", "organization", "team",
                                  "first_response_minutes", "first_response_breached"]),
            # escalation scan: only rows with a pending check
            models.Index(fields=["sla_next_check_at"], name="ticket_sla_check", condition=Q(sla_next_check_at__isnull=False)),
            GinIndex(fields=["tags"], name="ticket_tags_gin"),
        ]

    def __str__(self):
        return f"#{self.number} {self.subject}"

    @property
    def is_open(self):
        return self.status in states.OPEN_STATES


class SlaPause(models.Model):
    """A closed interval during which the ticket's SLA clock did not run (and why)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices)

    class Meta:
        indexes = [models.Index(fields=["ticket", "started_at"], name="slapause_ticket")]


class Notification(models.Model):
    """In-app notice for a staff user (assigned to you, customer replied, SLA warning ...)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")]


class Message(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        INTERNAL = "internal", _("Internal note")
        SYSTEM = "system", _("System")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PUBLIC)
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author_contact = models.ForeignKey("customers.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("text"))
    # Sanitised HTML (email intake); the templates show it as-is only after nh3 cleaned it.
    body_html = models.TextField(blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    email_message_id = models.CharField(max_length=998, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="message_ticket_time")]

    @property
    def is_from_customer(self):
        return self.author_contact_id is not None


def attachment_path(instance, filename):
    return f"attachments/{instance.message.ticket_id % 1000:03d}/{instance.message.ticket_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=500)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=200, default="application/octet-stream")
    size = models.PositiveBigIntegerField(default=0)
    content_id = models.CharField(max_length=255, blank=True, help_text="For inline cid: images in email.")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename


class TicketEvent(models.Model):
    """The audit timeline: every state change writes one, by the service that made it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_contact = models.ForeignKey("customers.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    @property
    def who(self):
        if self.actor_id:
            return self.actor.display_name
        if self.actor_contact_id:
            return self.actor_contact.name
        return ""

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [
            models.Index(fields=["ticket", "at", "id"], name="event_ticket_time"),
            models.Index(fields=["kind", "at"], name="event_kind_time"),
            # reopen rate in the manager's report
            models.Index(fields=["ticket"], name="event_reopen",
                         condition=Q(kind="reopened") | Q(kind="status_changed", data__action="reopen")),
        ]


class Unit(models.TextChoices):
    DEVELOPMENT = "development", _("Development")
    SALES = "sales", _("Sales")
    CUSTOMER_AFFAIRS = "customer_affairs", _("Customer affairs")


class Referral(models.Model):
    """A question sent to another unit; the ticket stays with its agent, who follows it up."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for the unit")
        ANSWERED = "answered", _("Answered")
        CANCELLED = "cancelled", _("Cancelled")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="referrals")
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    question = models.TextField(_("question"))
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.CharField(_("answered by"), max_length=200, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # A development referral may point at the issue in the team's tracker; the tracker's webhook
    # answers the referral through it.
    external_url = models.URLField(_("tracker issue URL"), max_length=500, blank=True, db_index=True)
    # Set once when the answer became late and the agent was told (the follow-up scan's claim).
    overdue_at = models.DateTimeField(null=True, blank=True, editable=False)

    @property
    def is_late(self):
        from django.utils import timezone

        return self.state == self.State.OPEN and self.due_at is not None and self.due_at < timezone.now()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="referral_ticket"),
            models.Index(fields=["state", "due_at"], name="referral_open_due", condition=Q(state="open")),
        ]


class TicketLink(models.Model):
    """Two related tickets (same root cause, follow-up of a closed ticket ...)."""

    class Kind(models.TextChoices):
        RELATED = "related", _("Related")
        FOLLOW_UP = "follow_up", _("Follow-up of")
        DUPLICATE = "duplicate", _("Duplicate of")

    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.RELATED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="ticketlink_unique")]


from tickets.models_mail import InboundEmail, Mailbox  # noqa: E402,F401
from tickets.models_work import CannedResponse, SatisfactionRating, SavedView  # noqa: E402,F401
from tickets.models_api import ApiToken, Webhook, WebhookDelivery  # noqa: E402,F401
from tickets.models_stats import DailyMinutesHistogram, DailyTicketStats, StatsDay  # noqa: E402,F401
