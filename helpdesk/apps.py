from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Poshtiban"

    def ready(self):
        from helpdesk import checks  # noqa: F401  (registers system checks)
