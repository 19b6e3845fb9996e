from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from stplan.guides.services import load_guide

DEMO_GUIDE = "guilin-2022"
DEMO_ADMIN = ("admin", "stplan-demo")


class Command(BaseCommand):
    help = "载入演示数据：2022年桂林市科技计划申报指南和局管理员演示账号（可重复执行）。"

    def handle(self, *args, **options):
        guide = load_guide(slug=DEMO_GUIDE)
        username, password = DEMO_ADMIN
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(password)
            user.save()
        self.stdout.write(f"已载入 {guide.title}。局管理员演示账号：{username} / {password}")
