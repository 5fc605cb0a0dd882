"""Schema and docs are served by the app itself, from the sidecar's static files, and work under
the site's CSP (script-src 'self', no inline script)."""
import re

from django.contrib.staticfiles import finders


def scripts(html):
    return re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)


def test_schema_is_openapi_3_with_every_route(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/tickets/", "/api/v1/tickets/{number}/reply/", "/api/v1/tracker/webhook"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"]["securitySchemes"]["tokenAuth"]["description"]}


def test_swagger_ui_has_no_inline_script_and_nothing_from_another_host(client):
    response = client.get("/api/v1/docs/")
    html = response.content.decode()
    assert response.status_code == 200 and "script-src 'self'" in response["Content-Security-Policy"]
    found = scripts(html)
    assert found and all(body.strip() == "" for _attrs, body in found)  # every script is a src=
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    init = client.get(next(s for s in sources if "script" in s))
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode() and "validator.swagger.io" not in init.content.decode()


def test_redoc_has_its_own_csp_for_its_search_worker_and_no_font_cdn(client):
    response = client.get("/api/v1/redoc/")
    html = response.content.decode()
    assert response.status_code == 200 and "googleapis" not in html
    assert "worker-src 'self' blob:" in response["Content-Security-Policy"]
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert all(body.strip() == "" for _attrs, body in scripts(html))


def test_the_sidecar_assets_are_installed_static_files():
    for path in ("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
                 "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
                 "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"):
        assert finders.find(path), path
