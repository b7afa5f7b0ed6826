"""`python manage.py export_rulebook SLUG [--at DATE] [--format json|yaml|markdown] [--output F]`.

JSON and YAML give the import file format (the whole history, or with --at the rule book as
in force that day); Markdown gives a readable copy of the rule book as in force on --at
(default today). Output goes to standard output unless --output names a file.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rulebook.exchange import dump_document, parse_date, render_markdown, rulebook_export
from rulebook.models import Rulebook

FORMATS = ("yaml", "json", "markdown")
EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".md": "markdown"}


class Command(BaseCommand):
    help = (
        "Export a rule book as YAML (default), JSON or Markdown; with --at, as in force on "
        "that date."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The rule book's slug, e.g. labour.")
        parser.add_argument(
            "--at", metavar="YYYY-MM-DD", help="Export the rule book as on this date."
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="Output format; by default taken from --output's extension, else yaml.",
        )
        parser.add_argument("--output", metavar="FILE", help="Write to FILE, not standard output.")

    def handle(self, *args, slug, at=None, format=None, output=None, **options):
        rulebook = self._rulebook(slug)
        try:
            at = parse_date(at) if at is not None else None
        except ValueError as exc:
            raise CommandError(f"--at: {exc}.") from None
        format = format or EXTENSIONS.get(Path(output or "").suffix.lower(), "yaml")
        if format not in FORMATS:
            raise CommandError(f"--format: {format!r} is not one of {', '.join(FORMATS)}.")
        if format == "markdown":
            text = render_markdown(rulebook=rulebook, at=at or timezone.localdate())
        else:
            text = dump_document(rulebook_export(rulebook=rulebook, at=at), format)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output}: cannot be written ({exc.strerror}).") from None
        self.stdout.write(f"Exported {rulebook.slug} as {format} to {output}")

    def _rulebook(self, slug: str) -> Rulebook:
        rulebook = Rulebook.objects.filter(slug=slug).first()
        if rulebook is None:
            known = ", ".join(Rulebook.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"There is no rule book {slug!r}. "
                + (f"Known rule books: {known}." if known else "There are no rule books yet.")
            )
        return rulebook
