from django.urls import path

from tickets.views import manager

app_name = "manager"
urlpatterns = [path("", manager.dashboard, name="dashboard")]
