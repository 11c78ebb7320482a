"""``python manage.py verify_backup <folder>``: restore into scratch places and compare with the manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, verify


class Command(BaseCommand):
    help = "Restore a backup into a scratch database and folder and compare rows and files with its manifest."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        try:
            problems = verify(folder)
        except (BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        if problems:
            raise CommandError("The backup does not restore cleanly:\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS(f"{folder} restores: every table and document matches."))
