"""``python manage.py restore <folder> --yes``: replace the database and documents with a backup's."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database and the private documents folder with those of a backup. Stop web and workers first."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--yes", action="store_true", help="Confirm that the current data may be replaced.")

    def handle(self, *args, folder: Path, yes: bool, **options):
        if not yes:
            raise CommandError("This replaces every row and document; add --yes to go ahead.")
        try:
            restore(folder)
        except (BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored from {folder}."))
