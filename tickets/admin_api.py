"""Integrations in the back office: webhook subscriptions and their delivery log; API tokens
(read-only here: people create their own in /agent/tokens/ and /portal/tokens/)."""
from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tickets.models import ApiToken, Webhook, WebhookDelivery
from tickets.webhooks import EVENTS


class WebhookForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(e, e) for e in sorted(set(EVENTS.values()))], help_text=_("None ticked: every event."))

    class Meta:
        model = Webhook
        fields = ["url", "events", "secret", "is_active"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ("url", "is_active", "event_list", "created_at")
    list_filter = ("is_active",)

    @admin.display(description=_("events"))
    def event_list(self, obj):
        return ", ".join(obj.events) or _("every event")


@admin.action(description=_("Send the selected deliveries again"))
def redeliver(modeladmin, request, queryset):
    from tickets import tasks_webhooks

    ids = list(queryset.values_list("pk", flat=True))
    queryset.update(state=WebhookDelivery.State.PENDING)
    for pk in ids:
        tasks_webhooks.webhook_deliver.delay(pk)
    messages.success(request, ngettext("%(n)d delivery queued.", "%(n)d deliveries queued.", len(ids)) % {"n": len(ids)})


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "webhook", "event", "state", "attempts", "response_status", "delivered_at")
    list_filter = ("state", "event")
    list_select_related = ("webhook",)
    readonly_fields = ("webhook", "event", "payload", "state", "attempts", "response_status", "response_body",
                       "created_at", "delivered_at")
    actions = [redeliver]
    show_full_result_count = False  # the log grows without bound

    def has_add_permission(self, request):
        return False


@admin.action(description=_("Revoke the selected tokens"))
def revoke(modeladmin, request, queryset):
    queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)
    actions = [revoke]

    def has_add_permission(self, request):
        return False
