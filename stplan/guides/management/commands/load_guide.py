from django.core.management.base import BaseCommand, CommandError

from stplan.eligibility.guide import GuideDataError
from stplan.guides.services import load_guide


class Command(BaseCommand):
    help = "把申报指南数据文件（stplan/eligibility/data/<slug>.yaml）载入数据库；可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("slug", help="申报指南标识，如 guilin-2022")

    def handle(self, *args, slug, **options):
        try:
            guide = load_guide(slug=slug)
        except GuideDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已载入 {guide.title}：{guide.directions.count()}个方向，{guide.categories.count()}个类别。"
        )
