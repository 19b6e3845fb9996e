from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from stplan.ops.backup import backup


class Command(BaseCommand):
    help = "备份数据库和全部附件到一个归档文件"

    def add_arguments(self, parser):
        parser.add_argument("--output", help="归档文件路径，默认 var/backups/stplan-<时间>.tar")

    def handle(self, *args, **options):
        from django.conf import settings

        output = Path(
            options["output"]
            or Path(settings.DATA_DIR) / "backups" / f"stplan-{timezone.localtime():%Y%m%d-%H%M%S}.tar"
        )
        manifest = backup(output)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"已备份到 {output}：{len(manifest['tables'])} 张表 {rows} 行，{len(manifest['files']) - 1} 个文件"
        )
