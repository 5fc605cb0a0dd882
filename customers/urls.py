"""Account URLs outside the portal's namespace: Django's auth views look these names up unqualified
(password_reset_done, password_reset_complete ...), and the invite is a staff action."""
from django.contrib.auth import views as auth_views
from django.urls import path

from customers import views

urlpatterns = [
    path("agent/contacts/<int:contact_id>/invite/", views.contact_invite, name="contact_invite"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/set/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/set/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
