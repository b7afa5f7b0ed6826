"""`python manage.py import_rulebook FILE [--format json|yaml]`: create a rule book from a file.

The file is checked whole before anything is written: on any problem every one is printed,
one per line, and the command exits with status 1 having written nothing. A file larger than
settings.IMPORT_MAX_BYTES (`IMPORT_MAX_BYTES`, 16 MB by default) is refused before it is read,
so a huge or hostile file cannot exhaust the memory of the process parsing it.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rulebook.exchange import FORMATS, InvalidRulebookFile, read_document, rulebook_import
from rulebook.models import Parameter, Rule, RuleVersion


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Import a whole rule book, with the history of every rule, from a JSON or YAML file "
        "(the format export_rulebook writes). A rule book with the same slug must not exist."
    )
    stealth_options = ("stdin",)  # lets tests pass a stream for FILE "-"

    def add_arguments(self, parser):
        parser.add_argument("file", help='The file to import, or "-" to read standard input.')
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="The file's format; by default taken from its extension, else guessed.",
        )

    def handle(self, *args, file, format=None, **options):
        text = self._read(file, options.get("stdin") or sys.stdin)
        filename = None if file == "-" else file
        try:
            rulebook = rulebook_import(
                data=read_document(text, format=format, filename=filename), by=None
            )
        except InvalidRulebookFile as exc:
            raise CommandError(
                f"{'Standard input' if file == '-' else file} is not a valid rule book file "
                f"({counted(len(exc.errors), 'problem')}); nothing was imported:\n"
                + "\n".join(exc.errors)
            ) from None
        rules = Rule.objects.filter(rulebook=rulebook).count()
        versions = RuleVersion.objects.filter(rule__rulebook=rulebook).count()
        parameters = Parameter.objects.filter(rulebook=rulebook).count()
        self.stdout.write(
            f"Imported {rulebook.slug}: {counted(rules, 'rule')}, "
            f"{counted(versions, 'version')}, {counted(parameters, 'parameter')}"
        )

    def _read(self, file: str, stdin) -> str:
        limit = settings.IMPORT_MAX_BYTES
        try:
            if file == "-":
                text = stdin.read(limit + 1)
                size = len(text.encode("utf-8")) if len(text) <= limit else limit + 1
            else:
                size = Path(file).stat().st_size
                text = None if size > limit else Path(file).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.") from None
        except IsADirectoryError:
            raise CommandError(f"{file}: is a directory, not a file.") from None
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8."
            ) from None
        except OSError as exc:
            raise CommandError(f"{file}: cannot be read ({exc.strerror}).") from None
        if size > limit:
            name = "Standard input" if file == "-" else file
            raise CommandError(
                f"{name} is larger than {megabytes(limit)}, the most an import may be "
                "(IMPORT_MAX_BYTES); nothing was imported."
            )
        return text
