"""`manage.py demo_data [--if-empty] [--tickets N] [--seed S]`: load the demo dataset in one transaction."""
import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from customers.models import Organization


class Command(BaseCommand):
    @property
    def help(self):
        # argparse needs a real str, so this is translated when the parser is built.
        return _("Load demo users, organisations and a few hundred tickets (password for every login: demo12345).")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help=_("Do nothing if any organisation exists (keeps the data of an earlier run)."))
        parser.add_argument("--tickets", type=int, default=300, help=_("How many tickets to create."))
        parser.add_argument("--seed", type=int, default=1403, help=_("Random seed (same seed, same data)."))

    def handle(self, *args, if_empty=False, tickets=300, seed=1403, **options):
        self.verbosity = options.get("verbosity", 1)
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write(_("demo data already loaded"))
                return
            raise CommandError(_("The database already has organisations; load demo data into an empty database."))
        if tickets < 1:
            raise CommandError(_("--tickets must be at least 1."))

        from helpdesk.celery import app
        from tickets.demo.load import load

        started = time.monotonic()
        # The services send mail after commit through Celery. For the demo load, run those tasks
        # in-process into the in-memory mail backend, so hundreds of demo emails go nowhere and
        # the worker's queue stays empty.
        saved = app.conf.task_always_eager, app.conf.task_eager_propagates
        app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
        trace_log = logging.getLogger("celery.app.trace")  # one INFO line per eager task otherwise
        saved_level = trace_log.level
        trace_log.setLevel(logging.WARNING)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                with transaction.atomic():
                    counts = load(n_tickets=tickets, seed=seed, log=self._progress)
        finally:
            app.conf.task_always_eager, app.conf.task_eager_propagates = saved
            trace_log.setLevel(saved_level)
        self.stdout.write(self.style.SUCCESS(_(
            "Demo data loaded in %(seconds).1f s: %(logins)d logins, %(organisations)d organisations, %(tickets)d tickets, %(messages)d messages, %(referrals)d referrals, "
            "%(merges)d merges, %(links)d links. Password for every login: demo12345."
        ) % {**counts, "seconds": time.monotonic() - started}))

    def _progress(self, number):
        if self.verbosity >= 2:
            self.stdout.write(_("%(n)d tickets ...") % {"n": number})
