from django.urls import path

from tickets.views import agent, files, intake

app_name = "agent"
urlpatterns = [
    path("", agent.QueueView.as_view(), name="queue"),
    path("tickets/new/", agent.NewTicketView.as_view(), name="new_ticket"),
    path("tickets/<int:number>/", agent.TicketView.as_view(), name="ticket"),
    path("tickets/<int:number>/<slug:action>/", agent.TicketActionView.as_view(), name="ticket_action"),
    path("attachments/<int:attachment_id>/", files.attachment_download, name="attachment"),
    path("inbound/<int:inbound_id>/raw/", intake.inbound_raw, name="inbound_raw"),
]
