# Celery app loaded with Django so @shared_task binds to it.
from helpdesk.celery import app as celery_app

__all__ = ("celery_app",)
