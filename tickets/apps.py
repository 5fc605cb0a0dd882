from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from tickets import webhooks  # noqa: F401  (TicketEvent -> webhook deliveries)
        from tickets.services import deadlines  # noqa: F401  (SLA signal receivers)
