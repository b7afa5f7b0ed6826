"""`python manage.py load_demo`: import the demo rule book (rulebook/demo/labour.yaml) once.

The file holds the rules with their 2013-2021 history, the NEC and Conference, and the
proposals and votes that made the changes (the ``bodies`` and ``proposals`` sections, which the
proposals app registers). Idempotent: when a rule book with the demo's slug exists, it says so
and writes nothing. The import itself is the ordinary file importer (`rulebook.exchange`),
which validates the whole file and writes nothing at all if any part of it is wrong.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rulebook.exchange import InvalidRulebookFile, read_document, rulebook_import
from rulebook.models import Parameter, Rule, Rulebook, RuleVersion

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "labour.yaml"


class Command(BaseCommand):
    help = (
        "Load the demo rule book once: Labour's, with its real 2013-2021 rule history and the "
        "proposals and votes behind it."
    )

    def handle(self, *args, **options):
        try:
            data = read_document(DEMO_FILE.read_text(encoding="utf-8"), filename=DEMO_FILE.name)
        except InvalidRulebookFile as exc:
            raise invalid_demo_file(exc) from exc
        slug = data["rulebook"]["slug"]
        if Rulebook.objects.filter(slug=slug).exists():
            self.stdout.write(f"Demo rule book '{slug}' already loaded")
            return
        try:
            rulebook = rulebook_import(data=data, by=None)
        except InvalidRulebookFile as exc:
            if Rulebook.objects.filter(slug=slug).exists():
                # Another process loaded it between our check and the import.
                self.stdout.write(f"Demo rule book '{slug}' already loaded")
                return
            raise invalid_demo_file(exc) from exc
        rules = Rule.objects.filter(rulebook=rulebook).count()
        versions = RuleVersion.objects.filter(rule__rulebook=rulebook).count()
        parameters = Parameter.objects.filter(rulebook=rulebook).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded demo rule book '{slug}': {rules} rules, {versions} versions, "
                f"{parameters} parameters."
            )
        )


def invalid_demo_file(exc: InvalidRulebookFile) -> CommandError:
    problems = "\n".join(f"  {problem}" for problem in exc.errors)
    return CommandError(f"The demo file {DEMO_FILE.name} is invalid:\n{problems}")
