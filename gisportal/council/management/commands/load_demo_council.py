from django.core.management.base import BaseCommand, CommandParser

from gisportal.council import demo
from gisportal.council.models import Meeting


class Command(BaseCommand):
    help = "Seed the pilots' demo council meetings (past with answers and minutes, upcoming open for questions)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when meetings exist")

    def handle(self, *args: object, if_empty: bool, **options: object) -> None:
        if if_empty and Meeting.objects.exists():
            self.stdout.write("Demo council meetings already loaded.")
            return
        created = demo.seed()
        questions = sum(m.questions.count() for m in Meeting.objects.all())
        self.stdout.write(f"{created} demo council meetings loaded, {questions} citizens' questions.")
