"""Doors in: login, the role-based home redirect, language switch, health."""
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from customers.models import Role
from customers.views import throttled, too_many


class LoginView(auth_views.LoginView):
    """Failed attempts are counted per username and per address; past the limit even the right
    password gets a 429 until the minute is over (slows password guessing, never a real user)."""

    template_name = "auth/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if throttled(request, "login", increment=False):
            return too_many(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttled(self.request, "login", increment=True)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    pass


HOMES = {Role.AGENT: "agent:queue", Role.MANAGER: "manager:dashboard", Role.ADMIN: "agent:queue", Role.CUSTOMER: "portal:tickets"}


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(HOMES.get(request.user.role, "login"))


@require_POST
def set_language(request):
    """Remember the choice on the profile (signed in) or in the cookie (anonymous)."""
    lang = request.POST.get("language")
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        nxt = "/"
    response = HttpResponseRedirect(nxt)
    if lang in ("fa", "en"):
        if request.user.is_authenticated:
            request.user.language = lang
            request.user.save(update_fields=["language"])
        response.set_cookie("django_language", lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
