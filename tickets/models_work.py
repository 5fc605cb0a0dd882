"""Tools of the agent's and the customer's day: canned responses, saved views, satisfaction ratings."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CannedResponse(models.Model):
    """A reusable answer; {{ customer.name }}, {{ ticket.number }} ... are filled in when inserted."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    team = models.ForeignKey("tickets.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="canned_responses",
                             verbose_name=_("team"), help_text=_("Empty: available to every team."))
    language = models.CharField(_("language"), max_length=8, choices=[("fa", "فارسی"), ("en", "English")], default="fa")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title"]

    def __str__(self):
        return self.title


class SavedView(models.Model):
    """An agent's own queue: a name for a queue + filter + sort query string."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedview_user_name")]


class SatisfactionRating(models.Model):
    """The customer's verdict on a resolution: one per ticket, from the portal or a signed email link."""

    class Source(models.TextChoices):
        PORTAL = "portal", _("Portal")
        EMAIL = "email", _("Email link")

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="rating")
    contact = models.ForeignKey("customers.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), choices=[(i, str(i)) for i in range(1, 6)])
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PORTAL)
    # who handled it, copied at rating time so agent reports need no join through history
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        indexes = [models.Index(fields=["created_at"], name="rating_created"),
                   models.Index(fields=["agent", "created_at"], name="rating_agent_created")]
