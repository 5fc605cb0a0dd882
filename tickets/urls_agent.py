from django.urls import path

from tickets.views import agent, agent_tools, files, intake, tokens

app_name = "agent"
urlpatterns = [
    path("", agent.QueueView.as_view(), name="queue"),
    path("tickets/new/", agent.NewTicketView.as_view(), name="new_ticket"),
    path("tickets/<int:number>/", agent.TicketView.as_view(), name="ticket"),
    path("tickets/<int:number>/presence/", agent_tools.PresenceView.as_view(), name="presence"),
    path("tickets/<int:number>/canned/<int:canned_id>/", agent_tools.CannedView.as_view(), name="canned"),
    path("tickets/<int:number>/<slug:action>/", agent.TicketActionView.as_view(), name="ticket_action"),
    path("bulk/", agent_tools.BulkView.as_view(), name="bulk"),
    path("views/", agent_tools.SavedViewsView.as_view(), name="saved_views"),
    path("notifications/", agent_tools.NotificationsView.as_view(), name="notifications"),
    path("attachments/<int:attachment_id>/", files.attachment_download, name="attachment"),
    path("inbound/<int:inbound_id>/raw/", intake.inbound_raw, name="inbound_raw"),
    path("tokens/", tokens.AgentTokensView.as_view(), name="tokens"),
]
