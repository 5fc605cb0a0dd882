"""The manager's door: backlog and SLA at a glance (full reports come with the dashboards issue)."""
from django.http import Http404
from django.shortcuts import render

from customers import roles
from tickets import reports


def dashboard(request):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not roles.is_manager(request.user):
        raise Http404()
    return render(request, "manager/dashboard.html", {"figures": reports.backlog_figures()})
