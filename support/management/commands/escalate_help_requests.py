from django.core.management.base import BaseCommand

from support.services import help_requests_escalate


class Command(BaseCommand):
    help = "Send IT help requests unanswered past their due time to the provincial focal persons (cron-safe)."

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        count = help_requests_escalate()
        self.stdout.write(f"escalated: {count}")
