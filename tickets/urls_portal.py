from django.urls import path

from customers import views as accounts
from tickets.views import files, portal, portal_rating, tokens
from tickets.views.portal_report import organization_report as portal_report

app_name = "portal"
urlpatterns = [
    path("", portal.TicketListView.as_view(), name="tickets"),
    path("new/", portal.NewTicketView.as_view(), name="new"),
    path("tickets/<int:number>/", portal.TicketView.as_view(), name="ticket"),
    path("attachments/<int:attachment_id>/", files.attachment_download, name="attachment"),
    path("tickets/<int:number>/rate/", portal_rating.RateView.as_view(), name="rate"),
    path("rate/<str:token>/", portal_rating.RateLinkView.as_view(), name="rate_link"),
    path("register/", accounts.RegisterView.as_view(), name="register"),
    path("profile/", accounts.ProfileView.as_view(), name="profile"),
    path("tokens/", tokens.PortalTokensView.as_view(), name="tokens"),
    path("report/", portal_report, name="report"),
]
