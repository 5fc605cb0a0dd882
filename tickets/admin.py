"""The back office for configuration. Tickets are worked in the agent workspace, not here:
the ticket admin is read-mostly, and its list never counts a million rows."""
from django.contrib import admin

from tickets.models import Referral, Team, Ticket, TicketEvent


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "lead", "auto_assign")
    filter_horizontal = ("members",)


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "kind", "actor", "actor_contact", "data")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("number", "subject", "organization", "status", "type", "priority", "assignee", "updated_at")
    list_filter = ("status", "type", "priority", "channel")
    search_fields = ("=number", "subject")
    list_select_related = ("organization", "assignee")
    raw_id_fields = ("organization", "requester", "contract", "product", "team", "assignee", "merged_into", "followers")
    readonly_fields = ("number", "created_at", "updated_at", "first_response_due_at", "next_response_due_at",
                       "resolution_due_at", "next_due_at", "version")
    show_full_result_count = False
    inlines = [EventInline]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("ticket", "unit", "state", "due_at", "answered_at")
    list_filter = ("unit", "state")
    raw_id_fields = ("ticket", "created_by")


from tickets import admin_mail  # noqa: E402,F401
from tickets import admin_api  # noqa: E402,F401
