"""`python manage.py import_rulebook FILE [--format json|yaml]`: create a rule book from a file.

The file is checked whole before anything is written: on any problem every one is printed,
one per line, and the command exits with status 1 having written nothing.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rulebook.exchange import FORMATS, InvalidRulebookFile, read_document, rulebook_import
from rulebook.models import Parameter, Rule, RuleVersion


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
        try:
            return stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
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
