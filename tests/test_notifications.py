from django.conf import settings
from django.core import mail

from stplan.applications import services
from stplan.notifications import notify, subject_line
from tests.world import draft_25, open_guide


def test_notify_puts_the_page_as_an_absolute_link_under_the_body(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=["a@b.cn"], subject="标题", body="正文\n", link="/workspace/")
    assert mail.outbox[0].body == f"正文\n\n登录系统查看或办理：{settings.STPLAN_SITE_URL}/workspace/"
    assert mail.outbox[0].subject == subject_line("标题")


def test_submission_mail_links_to_the_application(db, django_capture_on_commit_callbacks):
    draft = draft_25(guide=open_guide())
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(application=draft, action="submit", actor=draft.leader)
    (sent,) = mail.outbox
    assert sent.body.endswith(f"登录系统查看或办理：{settings.STPLAN_SITE_URL}/applications/{draft.pk}/")
