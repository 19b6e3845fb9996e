from django.core.management.base import BaseCommand

from stplan.demo.services import PASSWORD, load_demo


class Command(BaseCommand):
    help = "载入演示数据：2022年桂林市科技计划申报指南、各类单位、各角色账号和各状态的申报（可重复执行）。"

    def handle(self, *args, **options):
        accounts = load_demo()
        self.stdout.write(f"演示数据已载入。所有演示账号的密码均为：{PASSWORD}")
        for username, description in accounts:
            self.stdout.write(f"  {username:<20} {description}")
