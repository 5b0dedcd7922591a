from django.core.management.base import BaseCommand, CommandParser

from gisportal.consultations import demo
from gisportal.consultations.models import Consultation


class Command(BaseCommand):
    help = "Seed the pilots' demo consultations (open, closed, report published), after load_demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=demo.SEED)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when consultations exist")

    def handle(self, *args: object, seed: int, if_empty: bool, **options: object) -> None:
        if if_empty and Consultation.objects.exists():
            self.stdout.write("Demo consultations already loaded.")
            return
        comments = demo.seed(seed=seed)
        found = Consultation.objects.count()
        reported = Consultation.objects.filter(report_published_at__isnull=False).count()
        self.stdout.write(f"{found} demo consultations loaded ({reported} reports published), {comments} comments.")
