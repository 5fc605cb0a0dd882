import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
application = get_wsgi_application()

from helpdesk import settings as _settings  # noqa: E402  (after setup: settings are loaded)

_settings.refuse_to_serve_without_required_settings()
