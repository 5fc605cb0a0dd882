from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from helpdesk import views
from tickets.views import intake

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/inbound-email", intake.inbound_email, name="inbound_email"),
    path("api/v1/", include("tickets.api.urls")),
    path("agent/", include("tickets.urls_agent")),
    path("portal/", include("tickets.urls_portal")),
    path("", include("customers.urls")),
    path("manager/", include("tickets.urls_manager")),
    path("kb/", include("knowledge.urls")),
    path("admin/", admin.site.urls),
]
