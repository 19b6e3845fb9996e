"""Chinese error pages with the site's navigation (DEBUG is off in tests, as in production)."""

from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests.world import LeaderFactory


def test_unknown_page_is_the_chinese_404_with_navigation(client, db):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in html
    assert reverse("guides:guide_list") in html
    assert "Using the URLconf" not in html


def test_forbidden_page_is_the_chinese_403(client, db):
    client.force_login(LeaderFactory())
    response = client.get(reverse("accounts:registrations"))
    assert response.status_code == 403
    assert "<h1>没有权限访问该页面</h1>" in response.content.decode()


def test_post_without_its_csrf_token_answers_in_chinese(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "<h1>页面已过期，请重新提交</h1>" in response.content.decode()


def test_server_error_page_stands_without_a_request_context(db):
    html = render_to_string("500.html")
    assert "<h1>系统出错</h1>" in html
    assert "已记录并通知管理员" in html
