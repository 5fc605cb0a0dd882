"""The agent workspace: queues, the ticket page and its actions. Each view parses input, calls one
service or selector, and renders; TicketError messages reach the agent as they are."""
import re

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.functional import SimpleLazyObject
from django.views import View

from customers import roles
from tickets import selectors, services, states
from tickets.forms import (AgentNewTicketForm, AssignForm, ClassifyForm, EtaForm, LinkForm, MergeForm,
                           ReferForm, ReferralAnswerForm, ReplyForm)
from tickets.models import Referral, Ticket
from tickets.sla_view import sla_panel
from tickets.services.errors import ConflictError, TicketError


class AgentAccessMixin(AccessMixin):
    """Staff only: anonymous users log in; customers get a 404 (the agent side does not exist for them)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not roles.is_staff_user(request.user):
            raise Http404()
        return super().dispatch(request, *args, **kwargs)


# Lazy: built at import, translated per request in the reader's language.
QUEUE_LABELS = [
    ("mine", gettext_lazy("My open tickets")), ("team_unassigned", gettext_lazy("My teams, unassigned")), ("open", gettext_lazy("All open")),
    ("waiting", gettext_lazy("Waiting on customer")), ("referred", gettext_lazy("Referred / on hold")), ("breaching", gettext_lazy("Breaching soon")),
    ("breached", gettext_lazy("Breached")), ("recent", gettext_lazy("Recently updated")),
]


class QueueView(AgentAccessMixin, View):
    def get(self, request):
        queue = request.GET.get("queue", "mine")
        if queue not in selectors.QUEUES:
            queue = "mine"
        sort = request.GET.get("sort") or ("updated" if queue == "recent" else "due")
        filter_data = request.GET.copy()
        page = selectors.ticket_list_for_agent(request.user, queue=queue, filters=filter_data, sort=sort,
                                               cursor=request.GET.get("cursor"))
        params = request.GET.copy()
        params.pop("cursor", None)
        counts = selectors.queue_counts(request.user)
        agents = selectors.staff_choices()
        return render(request, "agent/queue.html", {
            "page": page, "queue": queue, "sort": sort,
            "queues": [(k, str(v), counts.get(k)) for k, v in QUEUE_LABELS],
            "choices": selectors.filter_choices(), "params": params.urlencode(),
            "saved_views": list(request.user.saved_views.all()),
            "agent_choices": [(a.pk, a.display_name) for a in agents],
            "actions": [(a, states.TRANSITIONS[a]) for a in ("open", "wait_customer", "hold", "resume", "resolve", "close")],
        })


class TicketView(AgentAccessMixin, View):
    def get(self, request, number):
        ticket = selectors.ticket_get_for_agent(request.user, number)
        # Lazy: on a cache hit for this version the template never asks for the timeline queries.
        timeline = SimpleLazyObject(lambda: selectors.ticket_timeline(ticket)[0])
        referrals = selectors.ticket_referrals(ticket)
        return render(request, "agent/ticket.html", {
            "ticket": ticket, "timeline": timeline, "referrals": referrals, "sla": sla_panel(ticket),
            "card": selectors.customer_card(ticket), "canned": selectors.canned_for(request.user, ticket),
            "actions": states.allowed_actions(ticket.status, states.AGENT),
            "reply_form": ReplyForm(initial={"version": ticket.version}),
            "classify_form": ClassifyForm(initial={"version": ticket.version, "type": ticket.type, "priority": ticket.priority,
                                                   "product": ticket.product_id, "tags": ", ".join(ticket.tags)}),
            "assign_form": AssignForm(initial={"version": ticket.version, "team": ticket.team_id, "assignee": ticket.assignee_id}),
            "refer_form": ReferForm(initial={"version": ticket.version}),
            "answer_form": ReferralAnswerForm(),
            "merge_form": MergeForm(initial={"version": ticket.version}),
            "link_form": LinkForm(),
            "eta_form": EtaForm(initial={"version": ticket.version, "eta": ticket.eta}),
            "links": [(link.get_kind_display(), link.target) for link in ticket.links_out.select_related("target")]
            + [(link.get_kind_display(), link.source) for link in ticket.links_in.select_related("source")],
        })


class TicketActionView(AgentAccessMixin, View):
    """POST /agent/tickets/<number>/<action>/: one service call, then back to the ticket."""

    def post(self, request, number, action):
        ticket = selectors.ticket_get_for_agent(request.user, number)
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            raise Http404()
        try:
            handler(request, ticket)
        except ConflictError as exc:
            messages.error(request, exc.messages[0])
            for event in exc.changes:
                messages.warning(request, render_to_string("partials/event_text.html", {"e": event}).strip())
        except TicketError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do this."))
        return redirect("agent:ticket", number=number)

    @staticmethod
    def _form(form_class, request):
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            raise TicketError("; ".join(f"{form.fields[f].label or f}: {' '.join(e)}" if f in form.fields else " ".join(e)
                                        for f, e in form.errors.items()))
        return form.cleaned_data

    def do_reply(self, request, ticket):
        data = self._form(ReplyForm, request)
        if data["kind"] == "internal":
            services.ticket_note(ticket, actor=request.user, body=data["body"], files=data["files"], expected_version=data["version"])
            messages.success(request, _("Internal note added."))
        else:
            services.ticket_reply(ticket, actor=request.user, body=data["body"], files=data["files"],
                                  pending_customer=data["pending_customer"], expected_version=data["version"])
            messages.success(request, _("Reply sent to the customer."))

    def do_transition(self, request, ticket):
        services.ticket_transition(ticket, actor=request.user, action=request.POST.get("action", ""),
                                   expected_version=request.POST.get("version") or None)
        messages.success(request, _("State changed."))

    def do_classify(self, request, ticket):
        data = self._form(ClassifyForm, request)
        services.ticket_classify(ticket, actor=request.user, type=data["type"], priority=data["priority"], product=data["product"],
                                 tags=re.split(r"[,،]", data["tags"]), expected_version=data["version"])
        messages.success(request, _("Classification saved."))

    def do_assign(self, request, ticket):
        data = self._form(AssignForm, request)
        services.ticket_assign(ticket, actor=request.user, assignee=data["assignee"], team=data["team"], expected_version=data["version"])
        messages.success(request, _("Assignment saved."))

    def do_take(self, request, ticket):
        services.ticket_assign(ticket, actor=request.user, assignee=request.user, expected_version=request.POST.get("version") or None)
        messages.success(request, _("The ticket is yours."))

    def do_refer(self, request, ticket):
        data = self._form(ReferForm, request)
        services.ticket_refer(ticket, actor=request.user, unit=data["unit"], question=data["question"], due_at=data["due_at"],
                              expected_version=data["version"])
        messages.success(request, _("Referred to the unit."))

    def do_answer(self, request, ticket):
        referral = get_object_or_404(Referral, pk=request.POST.get("referral"), ticket=ticket)
        data = self._form(ReferralAnswerForm, request)
        services.referral_answer(referral, actor=request.user, answer=data["answer"], answered_by=data["answered_by"])
        messages.success(request, _("The unit's answer is recorded. Report the result to the customer."))

    def do_merge(self, request, ticket):
        data = self._form(MergeForm, request)
        target = get_object_or_404(Ticket, number=data["target"])
        services.ticket_merge(ticket, actor=request.user, target=target, expected_version=data["version"])
        messages.success(request, _("Merged into #%(number)s.") % {"number": target.number})

    def do_link(self, request, ticket):
        data = self._form(LinkForm, request)
        other = get_object_or_404(Ticket, number=data["other"])
        services.ticket_link(ticket, actor=request.user, other=other, kind=data["kind"])
        messages.success(request, _("Tickets linked."))

    def do_eta(self, request, ticket):
        data = self._form(EtaForm, request)
        services.ticket_set_eta(ticket, actor=request.user, eta=data["eta"], expected_version=data["version"])
        messages.success(request, _("Estimated resolution time saved."))


class NewTicketView(AgentAccessMixin, View):
    """An agent registers a phone call, chat or visit for a customer."""

    def get(self, request):
        return render(request, "agent/new_ticket.html", {"form": AgentNewTicketForm()})

    def post(self, request):
        form = AgentNewTicketForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                ticket = services.ticket_create(actor=request.user, requester=d["requester"], subject=d["subject"], body=d["body"],
                                                channel=d["channel"], type=d["type"], priority=d["priority"], product=d["product"],
                                                team=d["team"], files=d["files"])
            except TicketError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Ticket #%(number)s registered.") % {"number": ticket.number})
                return redirect("agent:ticket", number=ticket.number)
        return render(request, "agent/new_ticket.html", {"form": form}, status=400)
