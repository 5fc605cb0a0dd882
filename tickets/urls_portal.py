from django.urls import path

from tickets.views import files, portal

app_name = "portal"
urlpatterns = [
    path("", portal.TicketListView.as_view(), name="tickets"),
    path("new/", portal.NewTicketView.as_view(), name="new"),
    path("tickets/<int:number>/", portal.TicketView.as_view(), name="ticket"),
    path("attachments/<int:attachment_id>/", files.attachment_download, name="attachment"),
]
