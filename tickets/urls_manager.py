from django.urls import path

from tickets.views import manager

app_name = "manager"
urlpatterns = [
    path("", manager.dashboard, name="dashboard"),
    path("organizations/<int:pk>/", manager.organization_report, name="organization"),
    path("export/<slug:name>.<slug:fmt>", manager.export, name="export"),
]
