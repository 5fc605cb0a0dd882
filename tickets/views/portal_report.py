"""The organisation's own report in the portal: for its admins only, for their organisation only.

Anybody else (another contact, another organisation's admin, staff) gets a 404: the page does not
exist for them, and no URL parameter can point it at another organisation.
"""
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language

from customers import roles
from tickets import reports


def organization_report(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    contact = roles.customer_contact(request.user)
    if contact is None or not contact.is_org_admin:
        raise Http404()
    # the organisation comes from the contact, never from the query string
    scope = reports.Scope.from_query(request.GET, organization=contact.organization_id)
    scope.team = scope.product = None
    persian = (get_language() or "fa").startswith("fa")
    return render(request, "portal/report.html", {
        "organization": contact.organization, "scope": scope, "portal": True,
        "tables": reports.organization_report(scope, portal=True),
        "form": {"from": reports.show_day(scope.start, persian), "to": reports.show_day(scope.end, persian)},
    })
