"""``python manage.py backup --to /var/backups/icampus``: the database and the private documents."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup, verify


class Command(BaseCommand):
    help = "Back up the database and the private documents folder, then check that the backup restores."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, type=Path, help="Folder that receives a dated backup folder.")
        parser.add_argument("--no-verify", action="store_true", help="Skip the restore check.")

    def handle(self, *args, to: Path, no_verify: bool, **options):
        try:
            folder = backup(to)
            problems = [] if no_verify else verify(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if problems:
            raise CommandError("The backup does not restore cleanly:\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}" + ("" if no_verify else " and verified.")))
