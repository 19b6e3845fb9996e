from django.core.management.base import BaseCommand

from stplan.review.services import send_reminders


class Command(BaseCommand):
    help = "向评审任务已逾期的专家发送提醒邮件（可由定时任务每天执行）。"

    def handle(self, *args, **options):
        count = send_reminders()
        self.stdout.write(f"已向{count}名专家发送逾期提醒。")
