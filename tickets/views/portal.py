"""The customer portal: submit, follow, reply. Every object comes through an access getter that
404s outside the customer's organisation (and outside their own tickets unless org admin)."""
import hashlib
import json

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from customers import roles
from customers.views import throttled, too_many
from tickets import selectors, services, states
from tickets.forms import PortalNewTicketForm, PortalReplyForm
from tickets.models import SatisfactionRating
from tickets.services.create import _active_contract
from tickets.services.errors import TicketError


# A customer's list is read, not worked through like an agent's queue: a shorter page renders
# twice as fast, and older requests are one click ("older requests") away.
PAGE_SIZE = 25
SCORES = [(5, gettext_lazy("Excellent")), (4, gettext_lazy("Good")), (3, gettext_lazy("Acceptable")),
          (2, gettext_lazy("Poor")), (1, gettext_lazy("Very poor"))]


class CustomerAccessMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.contact = roles.customer_contact(request.user)
        if self.contact is None:
            raise Http404()
        return super().dispatch(request, *args, **kwargs)


def kb_suggest_url():
    """The knowledge bank's suggestion fragment, or None while that app has no such view."""
    try:
        return reverse("kb:suggest")
    except NoReverseMatch:
        return None


def rows_key(items, contact, ticket_base):
    """What the rendered rows of a list page are made of, hashed for the template's {% cache %}:
    every value a row shows, whose rows they are (organisation, admin or not), the link base and
    the reader's time zone (the template adds the language). The key is the data itself, so a
    cached fragment never shows old data (whichever way a row changed: a service, the admin site,
    a rename of the requester), and never serves one organisation's rows to another. JSON, not a
    joined string: a "|" in a subject must not make two different rows read the same."""
    rows = [[t.pk, t.number, t.status, t.created_at.isoformat(), t.requester_name, t.subject] for t in items]
    head = [contact.organization_id, contact.is_org_admin, ticket_base, timezone.get_current_timezone_name()]
    return hashlib.sha256(json.dumps([head, rows]).encode()).hexdigest()


class TicketListView(CustomerAccessMixin, View):
    def get(self, request):
        status = request.GET.get("status")
        page = selectors.ticket_list_for_customer(request.user, cursor=request.GET.get("cursor"), status=status,
                                                  limit=PAGE_SIZE, portal_rows=True)
        # rows link to "<base><number>/": one reverse() per page instead of one per row
        ticket_base = reverse("portal:ticket", kwargs={"number": 0})[:-2]
        return render(request, "portal/tickets.html", {
            "page": page, "status": status, "contact": self.contact, "ticket_base": ticket_base,
            "rows_key": rows_key(page.items, self.contact, ticket_base),
        })


class NewTicketView(CustomerAccessMixin, View):
    def form(self, *args):
        """The contract shapes the form: its products only (if it lists any), priority only if allowed."""
        form = PortalNewTicketForm(*args)
        contract = _active_contract(self.contact, timezone.localdate())
        if contract is not None and contract.products.exists():
            form.fields["product"].queryset = contract.products.filter(is_active=True)
        if contract is None or not contract.customer_may_set_priority:
            del form.fields["priority"]
        form.fields["subject"].widget.attrs["autocomplete"] = "off"
        return form

    def render(self, form, status=200):
        return render(self.request, "portal/new_ticket.html", {"form": form, "kb_suggest_url": kb_suggest_url()},
                      status=status)

    def get(self, request):
        return self.render(self.form())

    def post(self, request):
        if throttled(request, "submit", increment=True):
            return too_many(request)
        form = self.form(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                ticket = services.ticket_create(actor=request.user, requester=self.contact, subject=d["subject"], body=d["body"],
                                                type=d["type"], priority=d.get("priority") or "normal", product=d["product"],
                                                files=d["files"])
            except TicketError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Thank you. Your request is registered as #%(number)s.") % {"number": ticket.number})
                return redirect("portal:ticket", number=ticket.number)
        return self.render(form, status=400)


def ticket_context(request, ticket, contact, form=None):
    rating = SatisfactionRating.objects.filter(ticket=ticket).first()
    return {
        "ticket": ticket, "contact": contact, "conversation": selectors.ticket_messages(ticket, public_only=True),
        "form": form or PortalReplyForm(), "can_close": ticket.status in states.OPEN_STATES | {states.RESOLVED},
        "can_reopen": ticket.status == states.RESOLVED, "rating": rating,
        "can_rate": rating is None and ticket.status in (states.RESOLVED, states.CLOSED),
        "show_requester": contact.is_org_admin or ticket.requester_id != contact.pk,
        "scores": SCORES, "rate_action": reverse("portal:rate", kwargs={"number": ticket.number}),
    }


class TicketView(CustomerAccessMixin, View):
    def get(self, request, number):
        ticket = selectors.ticket_get_for_customer(request.user, number)
        return render(request, "portal/ticket.html", ticket_context(request, ticket, self.contact))

    def post(self, request, number):
        ticket = selectors.ticket_get_for_customer(request.user, number)
        action = request.POST.get("do")
        if action == "reply":
            return self.reply(request, ticket)
        if action not in ("close", "reopen"):
            raise Http404()
        # Closing a request still in progress is the customer withdrawing it; a resolved one is closed.
        name = "withdraw" if action == "close" and ticket.status != states.RESOLVED else action
        try:
            services.ticket_transition(ticket, actor=request.user, action=name)
        except TicketError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The request is closed.") if action == "close" else _("The request is reopened."))
        return redirect("portal:ticket", number=ticket.number)

    def reply(self, request, ticket):
        """With htmx the new message is appended in place; a state change or a follow-up ticket
        changes more of the page, so those still reload it."""
        form = PortalReplyForm(request.POST, request.FILES)
        error = None
        if form.is_valid():
            try:
                message = services.ticket_customer_reply(ticket, contact=self.contact, body=form.cleaned_data["body"],
                                                         files=form.cleaned_data["files"])
            except TicketError as exc:
                error = " ".join(exc.messages)
        else:
            error = _("Please check the form.")
        if not request.htmx:
            if error:
                messages.error(request, error)
            else:
                messages.success(request, _("Your reply was added."))
            return redirect("portal:ticket", number=ticket.number)
        if error:
            form.add_error(None, error)
            return HttpResponse(render_to_string("portal/_reply_form.html", {"form": form, "ticket": ticket, "oob": True},
                                                 request=request))
        if message.ticket_id != ticket.pk or message.ticket.status != ticket.status:
            response = HttpResponse("")
            response["HX-Redirect"] = reverse("portal:ticket", kwargs={"number": message.ticket.number})
            return response
        message.attachment_list = list(message.attachments.all())  # the partial reads the prefetch list
        html = render_to_string("portal/_message.html", {"m": message}, request=request)
        html += render_to_string("portal/_reply_form.html", {"form": PortalReplyForm(), "ticket": ticket, "oob": True},
                                 request=request)
        return HttpResponse(html)
