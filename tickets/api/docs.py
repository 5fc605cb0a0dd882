"""The API's human docs (Swagger UI, Redoc), served from the drf-spectacular-sidecar static files.

The site-wide CSP says script-src 'self' with no inline script. Swagger UI therefore uses the
"split" view, whose init script is a separate same-origin request (?script). Redoc's stock
template loads Google Fonts and Redoc starts its search worker from a blob: URL, so Redoc gets
its own page (no font links) and its own CSP that adds only `worker-src blob:`. Redoc's footer links a logo on cdn.redoc.ly: the
CSP blocks it (nothing is fetched from another host) and the page's style hides the empty image.
"""
from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.html import format_html
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

REDOC_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "worker-src 'self' blob:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'; object-src 'none'"
)


class SwaggerView(SpectacularSwaggerSplitView):
    url_name = "api:schema"


class RedocView(SpectacularRedocView):
    url_name = "api:schema"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        html = format_html(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<style>body {{ margin: 0; padding: 0; }} img[src$='logo-mini.svg'] {{ display: none; }}</style></head>"
            '<body><redoc spec-url="{}"></redoc><script src="{}"></script></body></html>',
            self.title, self._get_schema_url(request),
            static("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"),
        )
        response = HttpResponse(html)
        response["Content-Security-Policy"] = REDOC_CSP
        return response
