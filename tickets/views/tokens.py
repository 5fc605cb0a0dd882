"""Personal API tokens, for staff (/agent/tokens/) and customers (/portal/tokens/).

Creating one shows the plain key in the POST's own response, once: it is never stored, never
put in a URL, a redirect or the session. Revoking is a POST too.
"""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from tickets.api.auth import token_create, token_list, token_revoke
from tickets.views.agent import AgentAccessMixin
from tickets.views.portal import CustomerAccessMixin


class TokensView(View):
    template_name = ""
    url_name = ""

    def render_page(self, request, new_key=None, new_token=None):
        return render(request, self.template_name, {
            "tokens": token_list(request.user), "new_key": new_key, "new_token": new_token,
            "api_base": request.build_absolute_uri("/api/v1/"),
        })

    def get(self, request):
        return self.render_page(request)

    def post(self, request):
        if "revoke" in request.POST:
            if token_revoke(request.user, request.POST.get("revoke")):
                messages.success(request, _("The token is revoked; programs using it are refused from now on."))
            else:
                messages.error(request, _("No such active token."))
            return redirect(self.url_name)
        token, key = token_create(request.user, request.POST.get("name", ""))
        return self.render_page(request, new_key=key, new_token=token)


class AgentTokensView(AgentAccessMixin, TokensView):
    template_name = "agent/tokens.html"
    url_name = "agent:tokens"


class PortalTokensView(CustomerAccessMixin, TokensView):
    template_name = "portal/tokens.html"
    url_name = "portal:tokens"
