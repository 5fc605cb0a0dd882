"""Filters shared by the agent queue and the API (django-filter)."""
import django_filters
from django.utils.translation import gettext_lazy as _

from customers.models import Organization, Product, User
from tickets.models import Channel, Priority, Status, Team, Ticket, TicketType


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

    class Meta:
        model = Ticket
        fields = []

    def filter_tag(self, queryset, name, value):
        # array containment uses the GIN index on tags
        return queryset.filter(tags__contains=[value.strip().lower()])
