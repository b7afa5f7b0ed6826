"""`python manage.py export_rulebook SLUG [--at DATE] [--format FORMAT] [--output F]`.

JSON and YAML give the import file format (the whole history, or with --at the rule book as
in force that day); Markdown gives a readable copy of the rule book as in force on --at
(default today). Other apps add formats (`rulebook.exchange.outputs`): the member pages add
`pdf`, the printed edition, and `akn`, Akoma Ntoso 3.0, both as in force on --at (default
today). Output goes to standard output unless --output names a file.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rulebook.exchange import dump_document, parse_date, render_markdown, rulebook_export
from rulebook.exchange.outputs import registered_output_formats
from rulebook.models import Rulebook

CORE_FORMATS = ("yaml", "json", "markdown")
CORE_EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".md": "markdown"}


def _formats() -> tuple[str, ...]:
    return CORE_FORMATS + tuple(registered_output_formats())


def _extensions() -> dict[str, str]:
    added = {f.extension: f.name for f in registered_output_formats().values()}
    return {**CORE_EXTENSIONS, **added}


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
            choices=_formats(),
            help="Output format; by default taken from --output's extension, else yaml. "
            + "; ".join(f"{f.name}: {f.help}" for f in registered_output_formats().values()),
        )
        parser.add_argument("--output", metavar="FILE", help="Write to FILE, not standard output.")

    def handle(self, *args, slug, at=None, format=None, output=None, **options):
        rulebook = self._rulebook(slug)
        try:
            at = parse_date(at) if at is not None else None
        except ValueError as exc:
            raise CommandError(f"--at: {exc}.") from None
        format = format or _extensions().get(Path(output or "").suffix.lower(), "yaml")
        if format not in _formats():
            raise CommandError(f"--format: {format!r} is not one of {', '.join(_formats())}.")
        added = registered_output_formats().get(format)
        if added is not None:
            content = added.render(rulebook, at or timezone.localdate())
            self._write_bytes(content, output, f"Exported {rulebook.slug} as {format} to {output}")
            return
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

    def _write_bytes(self, content: bytes, output: str | None, done: str) -> None:
        """A registered format's bytes: to `output`, else to standard output (as text if
        they are UTF-8, else as bytes, which a text-only stream cannot take)."""
        if output is not None:
            try:
                Path(output).write_bytes(content)
            except OSError as exc:
                raise CommandError(f"{output}: cannot be written ({exc.strerror}).") from None
            self.stdout.write(done)
            return
        try:
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        except UnicodeDecodeError:
            pass
        stream = self.stdout._out  # the wrapped stream: bytes go to its binary buffer
        if not hasattr(stream, "buffer"):
            raise CommandError("This format is binary: give --output FILE.")
        stream.flush()
        stream.buffer.write(content)
        stream.buffer.flush()

    def _rulebook(self, slug: str) -> Rulebook:
        rulebook = Rulebook.objects.filter(slug=slug).first()
        if rulebook is None:
            known = ", ".join(Rulebook.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"There is no rule book {slug!r}. "
                + (f"Known rule books: {known}." if known else "There are no rule books yet.")
            )
        return rulebook
