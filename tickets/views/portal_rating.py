"""Rating a resolution: in the portal (signed in) or from the signed link of the resolution email,
which works without a login. Both forms POST; opening the link only shows the form, so a mail
scanner that follows links cannot rate in the customer's name."""
from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from tickets import selectors, states
from tickets.models import SatisfactionRating, Ticket
from tickets.services import ratings
from tickets.services.errors import TicketError
from tickets.views.portal import SCORES, CustomerAccessMixin


class RateView(CustomerAccessMixin, View):
    """POST /portal/tickets/<number>/rate/ from the ticket page (GET goes back to it)."""

    def get(self, request, number):
        ticket = selectors.ticket_get_for_customer(request.user, number)
        return redirect("portal:ticket", number=ticket.number)

    def post(self, request, number):
        ticket = selectors.ticket_get_for_customer(request.user, number)
        try:
            ratings.rating_submit(ticket, contact=self.contact, score=request.POST.get("score"),
                                  comment=request.POST.get("comment", ""), source=SatisfactionRating.Source.PORTAL)
        except TicketError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you for rating our answer."))
        return redirect("portal:ticket", number=ticket.number)


class RateLinkView(View):
    """GET/POST /portal/rate/<token>/: the token is the proof; no session needed."""

    template_name = "portal/rate.html"

    def ticket(self, token):
        """The ticket the link names; a forged link is a page that does not exist (404), an
        expired one is gone (410) with a word on what to do instead."""
        try:
            ticket_id = ratings.rating_token_ticket_id(token)
        except signing.SignatureExpired:
            self.problem, self.status = _("This rating link has expired. You can still rate the request from the portal."), 410
            return None
        except signing.BadSignature:
            raise Http404("bad rating link") from None
        return get_object_or_404(Ticket.objects.select_related("requester"), pk=ticket_id)

    def page(self, ticket, status=200, **extra):
        rating = SatisfactionRating.objects.filter(ticket=ticket).first() if ticket else None
        return render(self.request, self.template_name, {
            "ticket": ticket, "rating": rating, "scores": SCORES, "problem": getattr(self, "problem", None),
            "ratable": ticket is not None and ticket.status in (states.RESOLVED, states.CLOSED), **extra,
        }, status=status)

    def get(self, request, token):
        ticket = self.ticket(token)
        return self.page(ticket, status=200 if ticket else self.status, preselected=request.GET.get("score"))

    def post(self, request, token):
        ticket = self.ticket(token)
        if ticket is None:
            return self.page(None, status=self.status)
        try:
            ratings.rating_submit(ticket, contact=ticket.requester, score=request.POST.get("score"),
                                  comment=request.POST.get("comment", ""), source=SatisfactionRating.Source.EMAIL)
        except ratings.AlreadyRated:
            return self.page(ticket, status=409)
        except TicketError as exc:
            return self.page(ticket, status=400, error=" ".join(exc.messages))
        return self.page(ticket, thanks=True)
