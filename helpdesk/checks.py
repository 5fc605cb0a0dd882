"""System checks for configuration that would break Poshtiban at run time."""
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


def _missing_settings():
    return [Warning(message, id="poshtiban.W000") for message in settings.MISSING_SETTINGS]


@register(Tags.database)
def check_required_settings(app_configs, databases=None, **kwargs):
    """Commands that use the database (migrate ...) say first what is missing. Offline ones
    (makemigrations, makemessages, collectstatic) run quietly on a bare checkout, and serving
    refuses outright: helpdesk/wsgi.py (also behind runserver) and Celery's init."""
    return _missing_settings() if databases else []


@register(deploy=True)
def check_required_settings_for_deploy(app_configs, **kwargs):
    return _missing_settings()


@register()
def check_email_domain(app_configs, **kwargs):
    problems = []
    if "@" not in settings.DEFAULT_FROM_EMAIL:
        problems.append(Error("DEFAULT_FROM_EMAIL must be an email address.", id="poshtiban.E001"))
    if settings.TIME_ZONE != "UTC":
        try:
            import zoneinfo

            zoneinfo.ZoneInfo(settings.TIME_ZONE)
        except Exception:
            problems.append(Error(f"TIME_ZONE={settings.TIME_ZONE!r} is not a known time zone.", id="poshtiban.E002"))
    return problems


@register(deploy=True)
def check_demo_secret(app_configs, **kwargs):
    if settings.SECRET_KEY.startswith("insecure-demo-key"):
        return [Warning("SECRET_KEY is the demo key; set SECRET_KEY in production.", id="poshtiban.W001")]
    return []
