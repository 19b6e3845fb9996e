"""The header every page shares (stplan/templates/base.html)."""

from django.urls import reverse

from tests.world import BureauAdminFactory, LeaderFactory


def test_header_names_a_person_with_the_role_once(client, db):
    client.force_login(BureauAdminFactory(full_name="局管理员"))
    html = client.get(reverse("workspace")).content.decode()
    assert "<span>局管理员</span>" in html
    assert "局管理员（局管理员）" not in html
    client.force_login(LeaderFactory(full_name="陈博士"))
    assert "<span>陈博士（项目负责人）</span>" in client.get(reverse("workspace")).content.decode()


def test_header_puts_the_links_under_a_menu_and_sign_out_beside_it(client, db):
    client.force_login(LeaderFactory())
    html = client.get(reverse("workspace")).content.decode()
    menu = html.index('<details class="site-menu">')
    assert menu < html.index('aria-label="主导航"') < html.index("</details>") < html.index(">退出</button>")
