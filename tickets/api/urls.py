"""/api/v1/: tickets and their actions, messages, attachments, reference data, the schema and docs."""
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from tickets.api import docs, views, views_reference

app_name = "api"

# Path converters (<int:...>) rather than regexes: the schema then knows ids are integers.
router = SimpleRouter(use_regex_path=False)
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("attachments", views.AttachmentViewSet, basename="attachment")
router.register("organizations", views_reference.OrganizationViewSet, basename="organization")
router.register("contacts", views_reference.ContactViewSet, basename="contact")
router.register("products", views_reference.ProductViewSet, basename="product")
router.register("sla-policies", views_reference.SlaPolicyViewSet, basename="sla-policy")
router.register("articles", views_reference.ArticleViewSet, basename="article")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(), name="docs"),
    path("redoc/", docs.RedocView.as_view(), name="redoc"),
    path("tracker/webhook", views.TrackerWebhookView.as_view(), name="tracker_webhook"),
    *router.urls,
    re_path(r"^[\s\S]*$", views.api_not_found),  # [\s\S], not ".": a path with an encoded newline too
]
