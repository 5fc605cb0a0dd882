"""API tokens: `Authorization: Bearer pt_...`, hashed at rest, revocable; throttled per token.

The token functions live here (not in tickets/services) because they touch nothing of a ticket:
they are the whole lifecycle of an ApiToken, used by the token pages and the tests.
"""
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling
from rest_framework.settings import api_settings

from tickets.models import ApiToken

# last_used_at is for people ("used yesterday"), so a write per minute is precise enough and
# spares the database a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
KEY_PREFIX = "pt_"


def token_list(user):
    return list(ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at"))


def token_create(user, name):
    """A new token for `user`; returns (token, plain key). The key is shown once and never stored."""
    name = (name or "").strip()[:100] or _("API token")
    return ApiToken.issue(user, name)


def token_revoke(user, token_id) -> bool:
    """Revoke one of the user's own tokens; False when it is not theirs or already revoked."""
    return bool(ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def token_authenticate(key: str):
    """The live token for a plain key (with its user), or None; marks it used at most once a minute."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=ApiToken.hash(key), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # not ours: let session authentication try
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header: use 'Bearer <token>'."))
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenRateThrottle(throttling.UserRateThrottle):
    """UserRateThrottle counted per token (two tokens of one user are two integrations), per user
    for the browser session. The key uses the token's hash, which no other database shares, so
    test databases or sites on one Redis never count into each other."""

    def get_rate(self):
        # Read at request time, not import time, so the rate follows settings (and test overrides).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # AnonRateThrottle counts these
        if isinstance(request.auth, ApiToken):
            ident = "token:" + request.auth.key_hash[:32]
        else:
            ident = f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token in the OpenAPI schema (Swagger UI's "Authorize" button)."""

    target_class = BearerTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal token from /agent/tokens/ or /portal/tokens/ (pt_...)."}
