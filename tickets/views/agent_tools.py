"""The agent's helpers around the queue and the ticket page: bulk actions, saved views, canned
responses, collision presence, in-app notifications."""
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import Context, Engine
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from tickets import selectors, services
from tickets.models import CannedResponse, Notification, SavedView, Ticket
from tickets.services.errors import TicketError
from tickets.views.agent import AgentAccessMixin

BULK_ACTIONS = ("take", "assign", "transition", "type", "priority", "tags", "merge")
PRESENCE_TTL = 30  # seconds an "is viewing" mark lives without a heartbeat


class BulkView(AgentAccessMixin, View):
    """Apply one action to many tickets; each goes through its service, failures are listed."""

    def post(self, request):
        numbers = [int(n) for n in request.POST.getlist("tickets") if n.isdigit()][:200]
        action = request.POST.get("bulk_action", "")
        back = request.POST.get("next") or "/agent/"
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "/agent/"
        if action not in BULK_ACTIONS or not numbers:
            messages.error(request, _("Choose tickets and an action."))
            return redirect(back)
        tickets = list(Ticket.objects.filter(number__in=numbers).order_by("number"))
        done, failed = 0, []
        target = None
        if action == "merge":
            target = Ticket.objects.filter(number=request.POST.get("value", "0") or 0).first() if \
                (request.POST.get("value") or "").isdigit() else None
            if target is None:
                messages.error(request, _("Give the number of the ticket to merge into."))
                return redirect(back)
        for ticket in tickets:
            try:
                self._apply(request, ticket, action, request.POST.get("value", ""), target)
                done += 1
            except (TicketError, PermissionDenied) as exc:
                failed.append(f"#{ticket.number}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        if done:
            messages.success(request, _("%(n)s tickets updated.") % {"n": done})
        for line in failed[:10]:
            messages.error(request, line)
        return redirect(back)

    @staticmethod
    def _apply(request, ticket, action, value, target):
        user = request.user
        if action == "take":
            services.ticket_assign(ticket, actor=user, assignee=user)
        elif action == "assign":
            from customers.models import User

            assignee = User.objects.filter(pk=value).first() if value.isdigit() else None
            services.ticket_assign(ticket, actor=user, assignee=assignee)
        elif action == "transition":
            services.ticket_transition(ticket, actor=user, action=value)
        elif action in ("type", "priority"):
            services.ticket_classify(ticket, actor=user, **{action: value})
        elif action == "tags":
            services.ticket_classify(ticket, actor=user, tags=[*ticket.tags, *value.replace("،", ",").split(",")])
        elif action == "merge" and ticket.pk != target.pk:
            services.ticket_merge(ticket, actor=user, target=target)


class SavedViewsView(AgentAccessMixin, View):
    def post(self, request):
        if request.POST.get("delete"):
            SavedView.objects.filter(user=request.user, pk=request.POST["delete"]).delete()
            return redirect("agent:queue")
        name = (request.POST.get("name") or "").strip()[:100]
        query = (request.POST.get("query") or "").lstrip("?")[:1000]
        if not name:
            messages.error(request, _("Give the view a name."))
            return redirect(f"/agent/?{query}")
        SavedView.objects.update_or_create(user=request.user, name=name, defaults={"query": query})
        messages.success(request, _("View saved."))
        return redirect(f"/agent/?{query}")


class CannedView(AgentAccessMixin, View):
    """The canned response's text with its placeholders filled for this ticket."""

    ENGINE = Engine(autoescape=False)  # plain text for a textarea; the textarea escapes on display

    def get(self, request, number, canned_id):
        ticket = selectors.ticket_get_for_agent(request.user, number)
        canned = get_object_or_404(CannedResponse, pk=canned_id)
        context = Context({"customer": ticket.requester, "ticket": ticket, "organization": ticket.organization,
                           "agent": request.user})
        try:
            text = self.ENGINE.from_string(canned.body).render(context)
        except Exception:  # a broken placeholder must not break the composer
            text = canned.body
        return HttpResponse(text, content_type="text/plain; charset=utf-8")


def presence_key(number):
    return f"presence:ticket:{number}"


class PresenceView(AgentAccessMixin, View):
    """Heartbeat from an open ticket page; answers with the other agents viewing or typing."""

    def post(self, request, number):
        selectors.ticket_get_for_agent(request.user, number)
        now = timezone.now().timestamp()
        key = presence_key(number)
        seen = cache.get(key) or {}
        seen = {uid: v for uid, v in seen.items() if now - v["at"] < PRESENCE_TTL}
        seen[str(request.user.pk)] = {"at": now, "name": request.user.display_name,
                                     "typing": request.POST.get("typing") == "1"}
        cache.set(key, seen, PRESENCE_TTL * 2)
        others = [v for uid, v in seen.items() if uid != str(request.user.pk)]
        version = Ticket.objects.filter(number=number).values_list("version", flat=True).first()
        if request.htmx:
            return render(request, "agent/_presence.html", {"others": others, "version": version,
                                                            "seen_version": request.POST.get("version")})
        return JsonResponse({"others": others, "version": version})


class NotificationsView(AgentAccessMixin, View):
    def get(self, request):
        items = list(Notification.objects.filter(user=request.user).select_related("ticket").order_by("-created_at")[:100])
        return render(request, "agent/notifications.html", {"items": items})

    def post(self, request):
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("agent:notifications")
