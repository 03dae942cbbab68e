from django.core.management.base import BaseCommand

from analytics.services.focal_digest import focal_digests_send


class Command(BaseCommand):
    help = "Send each IT focal person this week's list of officers who need help (once per week; cron-safe)."

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        self.stdout.write(f"focal digests sent: {focal_digests_send()}")
