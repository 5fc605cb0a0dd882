"""The email channel's own tables: where mail is fetched from, and every message as received.

Raw bytes are stored before anything else happens (DESIGN.md "store first"), so a parser bug,
a crash or a broken message never loses a customer's mail: it stays here, re-playable.
"""
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Mailbox(models.Model):
    """An IMAP mailbox polled by beat (tickets.tasks_mail.mailboxes_poll)."""

    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS")
        STARTTLS = "starttls", _("STARTTLS")
        NONE = "none", _("None (local test servers only)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    host = models.CharField(_("IMAP host"), max_length=253)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("security"), max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(_("user name"), max_length=200)
    # IMAP needs the clear password, so it cannot be hashed; the admin never renders it back.
    password = models.CharField(_("password"), max_length=200, blank=True)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    processed_folder = models.CharField(
        _("move processed mail to"), max_length=200, blank=True,
        help_text=_("Empty: stored messages are only marked as read."))
    addresses = ArrayField(
        models.CharField(max_length=254), default=list, blank=True, verbose_name=_("addresses"),
        help_text=_("The addresses this mailbox receives for (e.g. support@example.com); mail from them is ours."))
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class InboundEmail(models.Model):
    """One received message: raw bytes first, then what processing made of it."""

    class Source(models.TextChoices):
        IMAP = "imap", _("IMAP")
        SMTP = "smtp", _("SMTP")
        FILE = "file", _("File")
        HTTP = "http", _("HTTP")

    class State(models.TextChoices):
        STORED = "stored", _("Stored, waiting")
        PROCESSED = "processed", _("Processed")
        QUARANTINED = "quarantined", _("Quarantined")
        IGNORED = "ignored", _("Ignored")
        HELD = "held", _("Held for review")

    # The Message-ID without <>, or parse.py's stable hash of the bytes: the dedupe key.
    email_message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveBigIntegerField(_("size"), default=0)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("mailbox"))
    sender = models.CharField(_("sender"), max_length=254, blank=True)  # lower case; the rate limit reads it
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.STORED)
    error = models.TextField(_("error"), blank=True)
    note = models.TextField(_("processing note"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    is_oversize = models.BooleanField(_("over the size limit"), default=False)
    loop_kind = models.CharField(_("automation"), max_length=16, blank=True)
    # True when nobody may be mailed automatically because of this message (auto-reply, bounce,
    # list, rate limit ...); tickets.emails reads it before sending an acknowledgement.
    silent = models.BooleanField(_("no automatic answer"), default=False)
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="inbound_emails", verbose_name=_("ticket"))
    message = models.ForeignKey("tickets.Message", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="inbound_emails", verbose_name=_("message"))
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    # A reply waiting for the message it answers is not claimed again before this time.
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        indexes = [
            # the admin list (newest first, filtered by state) and the stale-work sweep
            models.Index(fields=["state", "-received_at"], name="inbound_state_received"),
            models.Index(fields=["-received_at", "-id"], name="inbound_received"),
            # the work queue: claims take the oldest stored rows. Partial, so it holds only the
            # few waiting rows, and a plain index scan in received_at order (LIMIT) marks the
            # entries of rows processed meanwhile dead and skips them from then on.
            models.Index(fields=["received_at", "id"], condition=models.Q(state="stored"), name="inbound_stored_queue"),
            # the per-sender rate limit
            models.Index(fields=["sender", "-received_at"], name="inbound_sender_received"),
        ]

    def __str__(self):
        return f"{self.sender or '?'}: {self.subject or self.email_message_id}"
