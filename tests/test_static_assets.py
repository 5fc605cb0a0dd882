"""Every asset is served by the app: the production static build resolves every reference."""
import pytest
from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_builds_a_manifest_with_bootstrap_rtl_htmx_and_vazirmatn(tmp_path, settings):
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--no-input", verbosity=0)
    names = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")}
    for required in ("vendor/bootstrap/bootstrap.rtl.min.css", "vendor/bootstrap/bootstrap.min.css",
                     "vendor/htmx/htmx.min.js", "vendor/vazirmatn/400.css",
                     "vendor/vazirmatn/files/vazirmatn-arabic-400-normal.woff2", "staticfiles.json"):
        assert required in names, required
