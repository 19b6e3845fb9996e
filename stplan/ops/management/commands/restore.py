from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stplan.errors import ServiceError
from stplan.ops.backup import restore


class Command(BaseCommand):
    help = "把备份归档恢复到空数据库和附件目录"

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, **options):
        try:
            manifest = restore(Path(options["archive"]))
        except ServiceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"已恢复 {manifest['created_at']} 的备份：{len(manifest['tables'])} 张表")
