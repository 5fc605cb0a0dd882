from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Contract, Organization, Product, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "role", "language", "is_available", "is_active")
    list_filter = ("role", "language", "is_active", "is_available")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Poshtiban"), {"fields": ("role", "language", "is_available")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Poshtiban"), {"fields": ("role", "language", "email")}),)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "email", "phone", "is_org_admin", "language")
    show_change_link = True


class ContractInline(admin.StackedInline):
    model = Contract
    extra = 0
    filter_horizontal = ("products",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "language", "allow_self_registration", "created_at")
    search_fields = ("name", "email_domains")
    inlines = [ContractInline, ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "organization", "is_org_admin", "language")
    list_filter = ("is_org_admin", "language")
    search_fields = ("name", "email", "organization__name")
    list_select_related = ("organization",)
    raw_id_fields = ("user",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_active")
    prepopulated_fields = {"code": ("name",)}


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "starts_on", "ends_on", "is_active", "customer_may_set_priority")
    list_filter = ("is_active",)
    list_select_related = ("organization",)
    filter_horizontal = ("products",)
