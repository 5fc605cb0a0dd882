"""Cross-cutting request handling: the user's own language, and a strict Content-Security-Policy."""
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user's language (on their profile) wins over the browser's.

    Runs before LocaleMiddleware: it sets the language cookie value LocaleMiddleware reads,
    so the choice is remembered across devices, not just in one browser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return None


class ContentSecurityPolicyMiddleware:
    """Everything comes from our own origin: no CDN, no inline script (htmx config is a meta tag)."""

    POLICY = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'self'; form-action 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response
