"""`python manage.py send_alerts`: send the e-mail alerts the outbox holds (run it from cron,
e.g. every five minutes: see the README). Safe to rerun: nothing is sent twice, and what
failed is tried again. Exits 1 when some message could not be sent, after trying every one.
"""

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from web.watch_mail import alerts_send

LOCK = "web:send_alerts:running"
LOCK_SECONDS = 30 * 60


class Command(BaseCommand):
    help = (
        "Send e-mail alerts to confirmed watchers: one message per proposal event, or a daily "
        "digest; delete unconfirmed watches past WATCH_CONFIRM_DAYS."
    )

    def handle(self, *args, **options):
        # Two overlapping runs (a slow SMTP server, cron starting the next) would each send
        # what the other has not recorded yet; with a shared cache (CACHE_URL=redis://…) the
        # second one stops here.
        if not cache.add(LOCK, 1, LOCK_SECONDS):
            raise CommandError("Another send_alerts run is in progress; try again later.")
        try:
            report = alerts_send()
        finally:
            cache.delete(LOCK)
        self.stdout.write(
            f"Sent {report.sent} message(s); {report.failed} failed (tried again next run); "
            f"deleted {report.expired} unconfirmed watch(es) and {report.pruned} old row(s)."
        )
        for error in report.errors:
            self.stderr.write(error)
        if report.failed:
            raise CommandError(f"{report.failed} message(s) could not be sent.", returncode=1)
