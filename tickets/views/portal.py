"""The customer portal: submit, follow, reply. Every object comes through an access getter that
404s outside the customer's organisation (and outside their own tickets unless org admin)."""
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from customers import roles
from tickets import selectors, services, states
from tickets.forms import PortalNewTicketForm, PortalReplyForm
from tickets.services.errors import TicketError


class CustomerAccessMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.contact = roles.customer_contact(request.user)
        if self.contact is None:
            raise Http404()
        return super().dispatch(request, *args, **kwargs)


class TicketListView(CustomerAccessMixin, View):
    def get(self, request):
        status = request.GET.get("status")
        page = selectors.ticket_list_for_customer(request.user, cursor=request.GET.get("cursor"), status=status)
        return render(request, "portal/tickets.html", {"page": page, "status": status, "contact": self.contact})


class NewTicketView(CustomerAccessMixin, View):
    def get(self, request):
        return render(request, "portal/new_ticket.html", {"form": PortalNewTicketForm()})

    def post(self, request):
        form = PortalNewTicketForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                ticket = services.ticket_create(actor=request.user, requester=self.contact, subject=d["subject"], body=d["body"],
                                                type=d["type"], priority=d["priority"] or "normal", product=d["product"],
                                                files=d["files"])
            except TicketError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Thank you. Your request is registered as #%(number)s.") % {"number": ticket.number})
                return redirect("portal:ticket", number=ticket.number)
        return render(request, "portal/new_ticket.html", {"form": form}, status=400)


class TicketView(CustomerAccessMixin, View):
    def get(self, request, number):
        ticket = selectors.ticket_get_for_customer(request.user, number)
        return render(request, "portal/ticket.html", {
            "ticket": ticket, "conversation": selectors.ticket_messages(ticket, public_only=True),
            "form": PortalReplyForm(), "can_close": ticket.status in states.OPEN_STATES | {states.RESOLVED},
            "can_reopen": ticket.status == states.RESOLVED,
        })

    def post(self, request, number):
        ticket = selectors.ticket_get_for_customer(request.user, number)
        action = request.POST.get("do")
        try:
            if action == "reply":
                form = PortalReplyForm(request.POST, request.FILES)
                if not form.is_valid():
                    raise TicketError(_("Please check the form."))
                services.ticket_customer_reply(ticket, contact=self.contact, body=form.cleaned_data["body"],
                                               files=form.cleaned_data["files"])
                messages.success(request, _("Your reply was added."))
            elif action in ("close", "reopen"):
                name = "withdraw" if action == "close" and ticket.status != states.RESOLVED else action
                services.ticket_transition(ticket, actor=request.user, action=name)
                messages.success(request, _("The request is closed.") if action == "close" else _("The request is reopened."))
            else:
                raise Http404()
        except TicketError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("portal:ticket", number=number)
