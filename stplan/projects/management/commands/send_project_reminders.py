from django.core.management.base import BaseCommand

from stplan.projects.services import send_reminders


class Command(BaseCommand):
    help = "向年度报告逾期的项目负责人发送提醒邮件（可由定时任务每天执行）。"

    def handle(self, *args, **options):
        self.stdout.write(f"已发送{send_reminders()}条年度报告逾期提醒。")
