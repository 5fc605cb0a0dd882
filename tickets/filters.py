"""Filters shared by the agent queue and the API (django-filter)."""
import django_filters
from django.utils.translation import gettext_lazy as _

from customers.models import Organization, Product, User
from django.db.models import Exists, OuterRef, Q

from tickets.models import Channel, Priority, Referral, Status, Team, Ticket, TicketEvent, TicketType, Unit

YES_NO = [("true", _("Yes")), ("false", _("No"))]


class TicketFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("State"))
    type = django_filters.MultipleChoiceFilter(choices=TicketType.choices, label=_("Type"))
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, label=_("Priority"))
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices, label=_("Channel"))
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), label=_("Team"))
    assignee = django_filters.ModelChoiceFilter(queryset=User.objects.filter(role__in=["agent", "manager", "admin"]), label=_("Assignee"))
    organization = django_filters.ModelChoiceFilter(queryset=Organization.objects.all(), label=_("Organisation"))
    product = django_filters.ModelChoiceFilter(queryset=Product.objects.all(), label=_("Product"))
    tag = django_filters.CharFilter(field_name="tags", lookup_expr="contains", method="filter_tag", label=_("Tag"))
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("Created from"))
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("Created until"))
    # The manager dashboard links every figure here; these filters make those lists exact.
    resolved_after = django_filters.DateFilter(field_name="resolved_at", lookup_expr="date__gte", label=_("Resolved from"))
    resolved_before = django_filters.DateFilter(field_name="resolved_at", lookup_expr="date__lte", label=_("Resolved until"))
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull", label=_("Unassigned"))
    first_response_breached = django_filters.MultipleChoiceFilter(choices=YES_NO, method="filter_flag", label=_("First response breached"))
    resolution_breached = django_filters.MultipleChoiceFilter(choices=YES_NO, method="filter_flag", label=_("Resolution breached"))
    reopened = django_filters.BooleanFilter(method="filter_reopened", label=_("Reopened"))
    rated = django_filters.BooleanFilter(field_name="rating", lookup_expr="isnull", exclude=True, label=_("Rated"))
    rated_after = django_filters.DateFilter(field_name="rating__created_at", lookup_expr="date__gte", label=_("Rated from"))
    rated_before = django_filters.DateFilter(field_name="rating__created_at", lookup_expr="date__lte", label=_("Rated until"))
    # A referral's unit and dates must hold for the SAME referral: filter_queryset joins them in one EXISTS.
    referred_to = django_filters.ChoiceFilter(choices=Unit.choices, method="filter_later", label=_("Referred to"))
    referred_after = django_filters.DateFilter(method="filter_later", label=_("Referred from"))
    referred_before = django_filters.DateFilter(method="filter_later", label=_("Referred until"))

    class Meta:
        model = Ticket
        fields = []

    def filter_flag(self, queryset, name, value):
        # "true,false" means "measured" (the flag is set either way); nothing chosen means no filter
        return queryset.filter(**{f"{name}__in": [v == "true" for v in value]}) if value else queryset

    def filter_reopened(self, queryset, name, value):
        if value is None:
            return queryset
        events = TicketEvent.objects.filter(Q(kind="reopened") | Q(kind="status_changed", data__action="reopen"), ticket=OuterRef("pk"))
        return queryset.filter(Exists(events) if value else ~Exists(events))

    def filter_later(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        unit, after, before = data.get("referred_to"), data.get("referred_after"), data.get("referred_before")
        if not (unit or after or before):
            return queryset
        referrals = Referral.objects.filter(ticket=OuterRef("pk"))
        if unit:
            referrals = referrals.filter(unit=unit)
        if after:
            referrals = referrals.filter(created_at__date__gte=after)
        if before:
            referrals = referrals.filter(created_at__date__lte=before)
        return queryset.filter(Exists(referrals))

    def filter_tag(self, queryset, name, value):
        # array containment uses the GIN index on tags
        return queryset.filter(tags__contains=[value.strip().lower()])
