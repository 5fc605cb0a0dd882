"""Account doors: staff invitations, self-registration, profile, password reset; and the rate
limits every door in shares (django-ratelimit's counters in the Redis cache)."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from customers import roles, services
from customers.forms import LocalizedPasswordResetForm, ProfileForm, RegisterForm
from customers.models import Contact

# (key, rate) pairs per door. Login counts failed attempts only, so people who type their
# password right are never slowed; the other doors count every POST. RATE_LIMITS in settings
# may override any entry (tests use small numbers).
RATES = {
    "login": (("post:username", "5/m"), ("ip", "20/m")),
    "password_reset": (("post:email", "3/m"), ("ip", "5/m")),
    "register": (("ip", "5/m"),),
    "submit": (("user", "10/m"),),
}


def _rates(group):
    return getattr(settings, "RATE_LIMITS", {}).get(group, RATES[group])


def _key(key):
    """Counters live in a Redis shared with other databases (tests, bench): ids and names are
    only unique within one database, so its name is part of every key."""
    def value(group, request):
        if key == "user":
            raw = str(request.user.pk)
        elif key == "ip":
            raw = request.META.get("REMOTE_ADDR", "")
        else:
            raw = request.POST.get(key.split(":", 1)[1], "").strip().lower()
        return f"{connection.settings_dict['NAME']}:{raw}"
    return value


def throttled(request, group, *, increment) -> bool:
    """True once any counter of the door is at its limit. increment=True counts this request."""
    limited = False
    for key, rate in _rates(group):
        usage = get_usage(request, group=f"{group}:{key}", key=_key(key), rate=rate, increment=increment)
        if usage is None:
            continue
        # Counting: blocked past the limit. Peeking: blocked at it (the next one would be past it).
        limited |= usage["should_limit"] if increment else usage["count"] >= usage["limit"]
    return limited


def too_many(request):
    return render(request, "portal/too_many.html", status=429)


# --- staff: invite a contact to the portal


@require_POST
def contact_invite(request, contact_id):
    if not roles.is_staff_user(request.user):
        raise Http404()
    contact = get_object_or_404(Contact.objects.select_related("organization", "user"), pk=contact_id)
    try:
        services.contact_invite(contact, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": contact.email})
    nxt = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        nxt = reverse_lazy("agent:queue")
    return redirect(nxt)


# --- customers: register, profile


class RegisterView(View):
    template_name = "portal/register.html"

    def get(self, request):
        return render(request, self.template_name, {"form": RegisterForm()})

    def post(self, request):
        if throttled(request, "register", increment=True):
            return too_many(request)
        form = RegisterForm(request.POST)
        if form.is_valid():
            try:
                services.customer_register(**form.cleaned_data)
            except ValidationError as exc:
                form.add_error("email", exc)
            else:
                return render(request, "portal/register_done.html", {"email": form.cleaned_data["email"]})
        return render(request, self.template_name, {"form": form}, status=400)


class ProfileView(View):
    template_name = "portal/profile.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return auth_views.redirect_to_login(request.get_full_path())
        if roles.customer_contact(request.user) is None:
            raise Http404()
        return super().dispatch(request, *args, **kwargs)

    def _forms(self, profile=None, password=None):
        user = self.request.user
        return {
            "profile_form": profile or ProfileForm(initial={"first_name": user.first_name, "last_name": user.last_name,
                                                            "language": user.language}),
            "password_form": password or PasswordChangeForm(user),
        }

    def get(self, request):
        return render(request, self.template_name, self._forms())

    def post(self, request):
        if request.POST.get("do") == "password":
            form = PasswordChangeForm(request.user, request.POST)
            for field in form.fields.values():
                field.widget.attrs["class"] = "form-control"
            if form.is_valid():
                update_session_auth_hash(request, form.save())  # stay logged in on this device
                messages.success(request, _("Your password was changed."))
                return redirect("portal:profile")
            return render(request, self.template_name, self._forms(password=form), status=400)
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.profile_update(request.user, **form.cleaned_data)
            messages.success(request, _("Your profile was saved."))
            return redirect("portal:profile")
        return render(request, self.template_name, self._forms(profile=form), status=400)


# --- password reset (also the landing page of invitation and registration links)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = LocalizedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    extra_email_context = {"site_url": settings.SITE_URL}

    def post(self, request, *args, **kwargs):
        if throttled(request, "password_reset", increment=True):
            return too_many(request)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form
