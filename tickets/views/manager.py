"""The manager's door: the dashboard, one organisation's report, and exports of every table.

Managers and admins only; everyone else gets a 404 (the page does not exist for them).
"""
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from customers import roles
from customers.models import Organization
from tickets import exports, reports

FORMATS = ("csv", "xlsx")


def _manager(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.is_manager(request.user):
            raise Http404()
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _form(scope, names=None):
    """The filter bar's values: dates as the reader types them (Jalali for Persian readers)."""
    persian = (get_language() or "fa").startswith("fa")
    return {"from": reports.show_day(scope.start, persian), "to": reports.show_day(scope.end, persian),
            "presets": [(days, _preset(scope, days)) for days in (7, 30, 90, 365)], "names": names}


def _preset(scope, days):
    from datetime import timedelta

    from django.utils import timezone

    from tickets.reports.scope import Scope

    today = timezone.localdate()
    return Scope(start=today - timedelta(days=days - 1), end=today, team=scope.team,
                 organization=scope.organization, product=scope.product).query()


@_manager
def dashboard(request):
    scope = reports.Scope.from_query(request.GET)
    figures = reports.dashboard(scope)
    return render(request, "manager/dashboard.html", {
        "scope": scope, "figures": figures, "form": _form(scope, figures["names"]), "query": scope.query(),
        "charts": [t for t in figures["tables"] if t.chart],
    })


@_manager
def organization_report(request, pk):
    organization = get_object_or_404(Organization, pk=pk)
    scope = reports.Scope.from_query(request.GET, organization=organization.pk)
    scope.team = scope.product = None  # the customer's report covers the whole organisation
    return render(request, "manager/org_report.html", {
        "organization": organization, "scope": scope, "tables": reports.organization_report(scope),
        "form": _form(scope), "query": scope.query(), "portal": False,
    })


@_manager
def export(request, name, fmt):
    """One table of the dashboard (or of an organisation's report), as CSV or XLSX."""
    if fmt not in FORMATS:
        raise Http404()
    scope = reports.Scope.from_query(request.GET)
    stamp = f"{scope.start:%Y%m%d}-{scope.end:%Y%m%d}"
    if name == "tickets":  # every ticket created in the period, iterated (never loaded whole)
        return exports.tickets_response(scope.created(), fmt, f"tickets-{stamp}")
    table = reports.export_table(name, scope)
    if table is None:
        raise Http404()
    return exports.table_response(table, fmt, f"{name}-{stamp}")
