"""Admin for the email channel: mailboxes (the password is never shown back) and the inbound log,
where quarantined or held mail is inspected, downloaded and replayed."""
from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tickets.models_mail import InboundEmail, Mailbox
from tickets.services.email_intake import email_replay


class MailboxForm(forms.ModelForm):
    # render_value=False: the stored password never reaches the browser; blank keeps it.
    password = forms.CharField(label=_("password"), required=False, strip=False,
                               widget=forms.PasswordInput(render_value=False),
                               help_text=_("Leave empty to keep the current password."))

    class Meta:
        model = Mailbox
        fields = "__all__"

    def clean_password(self):
        return self.cleaned_data.get("password") or (self.instance.password if self.instance.pk else "")

    def clean_addresses(self):
        return [a.strip().lower() for a in self.cleaned_data.get("addresses") or [] if a.strip()]


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ("name", "host", "username", "folder", "is_active", "last_polled_at", "last_error")
    list_filter = ("is_active",)
    readonly_fields = ("last_polled_at", "last_error")
    actions = ["poll_now"]

    @admin.action(description=_("Poll the selected mailboxes now"))
    def poll_now(self, request, queryset):
        from tickets.services.mail_imap import mailbox_poll

        for mailbox in queryset:
            try:
                counts = mailbox_poll(mailbox)
                self.message_user(request, _("%(mailbox)s: %(new)s new, %(dup)s already stored.") % {
                    "mailbox": mailbox, "new": counts["new"], "dup": counts["duplicates"]})
            except Exception as exc:  # shown to the admin, who is here to fix it
                self.message_user(request, f"{mailbox}: {type(exc).__name__}: {exc}", messages.ERROR)


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ("received_at", "sender", "subject", "state", "source", "loop_kind", "ticket_link", "attempts",
                    "short_error")
    list_filter = ("state", "source", "loop_kind", "is_oversize")
    search_fields = ("sender", "subject", "=email_message_id")
    list_select_related = ("ticket",)
    date_hierarchy = None
    ordering = ("-received_at", "-id")
    show_full_result_count = False
    exclude = ("raw",)
    readonly_fields = ("email_message_id", "original", "size", "source", "mailbox", "sender", "subject",
                       "received_at", "state", "error", "note", "attempts", "is_oversize", "loop_kind", "silent",
                       "ticket", "message", "processed_at", "not_before")
    actions = ["replay", "replay_accepting_sender"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw")  # the list never loads megabytes of mail

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only record; replay is an action

    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_link(self, obj):
        if not obj.ticket_id:
            return "-"
        return format_html('<a href="{}">#{}</a>', reverse("agent:ticket", args=[obj.ticket.number]), obj.ticket.number)

    @admin.display(description=_("error"))
    def short_error(self, obj):
        return (obj.error[:80] + "…") if len(obj.error) > 80 else obj.error

    @admin.display(description=_("original"))
    def original(self, obj):
        url = reverse("agent:inbound_raw", args=[obj.pk])
        return format_html('<a href="{}">{}</a> · <a href="{}?source=1">{}</a> · <a href="{}?download=1">{}</a>',
                           url, _("text"), url, _("source"), url, _("download .eml"))

    def _replay(self, request, queryset, policy):
        states = [InboundEmail.State.QUARANTINED, InboundEmail.State.HELD, InboundEmail.State.IGNORED]
        done = 0
        for pk in queryset.filter(state__in=states).values_list("pk", flat=True):
            email_replay(pk, unknown_sender_policy=policy)
            done += 1
        self.message_user(request, ngettext("%(n)d message replayed.", "%(n)d messages replayed.", done) % {"n": done})

    @admin.action(description=_("Replay the selected messages"))
    def replay(self, request, queryset):
        self._replay(request, queryset, None)

    @admin.action(description=_("Replay, accepting unknown senders (creates their organisation)"))
    def replay_accepting_sender(self, request, queryset):
        self._replay(request, queryset, "create")
