"""Static assets for workloads that start gunicorn: production pages name hashed assets from
whitenoise's manifest, which only collectstatic writes. Shared by portal and footprint."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]

PLAIN_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def production_storages():
    """STORAGES as the gunicorn child computes them from the settings module. Not from
    django.conf.settings: earlier workloads of `bench all` (agent_pages, dashboard) swap in plain
    storage for the whole process, and a collectstatic through that storage writes no manifest,
    so the child (manifest storage) answered 500 on every page naming an asset."""
    from importlib import import_module

    return import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "helpdesk.settings")).STORAGES


def build_static(root):
    """Production pages name hashed assets from the manifest, built here into `root`. If the build
    fails (an asset with a dangling reference), pages fall back to plain asset names, which cost
    the same to render, and the reason is reported. Returns (settings overrides, gunicorn env, reason)."""
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.utils.module_loading import import_string

    production = production_storages()
    try:
        # STORAGES overridden too: that resets Django's cached storage instances, whose location
        # (STATIC_ROOT) is fixed when they are first built.
        with override_settings(STATIC_ROOT=root, STORAGES=production):
            call_command("collectstatic", interactive=False, verbosity=0)
        manifest = getattr(import_string(production["staticfiles"]["BACKEND"]), "manifest_name", None)
        if manifest and not Path(root, manifest).exists():
            raise RuntimeError(f"collectstatic wrote no {manifest} into {root}")
        return {"STATIC_ROOT": root, "STORAGES": production}, {"STATIC_ROOT": root}, None
    except Exception as exc:  # noqa: BLE001 - any build failure is reported, not fatal
        storages = {**production, "staticfiles": {"BACKEND": PLAIN_STORAGE}}
        Path(root, "bench_static_settings.py").write_text(
            "from helpdesk.settings import *  # noqa\n"
            f"STORAGES = {{**STORAGES, 'staticfiles': {{'BACKEND': {PLAIN_STORAGE!r}}}}}\n")
        env = {"DJANGO_SETTINGS_MODULE": "bench_static_settings", "PYTHONPATH": f"{root}:{BASE_DIR}"}
        return {"STORAGES": storages}, env, f"collectstatic failed ({str(exc).splitlines()[0][:120]}); plain asset names"


def client_settings():
    """For workloads that drive Django's test client in this process: it speaks plain HTTP as
    "testserver", and static URLs need no manifest. An override, undone when the workload ends,
    so the workloads after it in `bench all` see the production settings again."""
    from django.conf import settings
    from django.test.utils import override_settings

    return override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], SECURE_SSL_REDIRECT=False,
                             STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STORAGE}})
