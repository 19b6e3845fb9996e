import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from stplan.guides.services import load_guide
from tests.world import pass_two_step


@pytest.fixture
def guide(db):
    return load_guide(slug="guilin-2022")


def test_guide_page_lists_every_direction_without_login(client, guide):
    response = client.get(reverse("guides:guide_detail", args=[guide.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    for direction in guide.directions.all():
        assert direction.title in html
    assert "产业振兴（拟支持不超过40项）" in html
    assert "不超过800万元" in html


def test_guide_page_is_in_simplified_chinese_by_default(client, guide):
    html = client.get(reverse("guides:guide_detail", args=[guide.slug])).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "实施年限" in html and "资助方式" in html


def test_guide_page_filters_by_section(client, guide):
    url = reverse("guides:guide_detail", args=[guide.slug])
    html = client.get(url, {"section": "农业农村科技科"}).content.decode()
    assert "数字农业先进适用技术集成应用与示范" in html
    assert "高端软件研发" not in html


def test_guide_page_ignores_unknown_section(client, guide):
    url = reverse("guides:guide_detail", args=[guide.slug])
    html = client.get(url, {"section": "不存在的科室"}).content.decode()
    assert "高端软件研发" in html


def test_direction_page_shows_requirements_and_rules(client, guide):
    html = client.get(reverse("guides:direction_detail", args=[guide.slug, 25])).content.decode()
    assert "青年创新人才科研专项" in html
    assert "每个单位限报5项" in html
    assert "负责人年龄" in html
    assert "41周岁生日当天起即不再符合" in html


def test_unknown_direction_is_not_found(client, guide):
    assert client.get(reverse("guides:direction_detail", args=[guide.slug, 99])).status_code == 404


def test_unknown_guide_is_not_found(client, db):
    assert client.get(reverse("guides:guide_detail", args=["guilin-1999"])).status_code == 404


def test_root_redirects_visitors_to_guides(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("guides:guide_list")


def test_admin_lists_directions_for_bureau_admin(client, guide):
    admin = get_user_model().objects.create_superuser("chief", password="pw-123456")
    pass_two_step(client, admin)
    response = client.get(reverse("admin:guides_direction_changelist"))
    assert response.status_code == 200
    assert "优势产业关键核心技术研发与产业化" in response.content.decode()


def test_admin_is_closed_to_anonymous_visitors(client, guide):
    response = client.get(reverse("admin:guides_direction_changelist"))
    assert response.status_code == 302


def test_guide_page_switches_to_english(client, guide):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("guides:guide_detail", args=[guide.slug])).content.decode()
    assert '<html lang="en">' in html
    assert "Duration" in html and "Funding mode" in html


def test_guide_page_stays_chinese_for_an_english_browser(client, guide):
    url = reverse("guides:guide_detail", args=[guide.slug])
    html = client.get(url, headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "实施年限" in html


def test_direction_page_lists_structured_indicators(client, guide):
    html = client.get(reverse("guides:direction_detail", args=[guide.slug, 1])).content.decode()
    assert "可量化的考核指标" in html
    assert "产业重大技术突破" in html
    assert "3–5 项" in html


def test_every_direction_page_opens_with_its_rules_named(client, guide):
    # 方向31 and 33 carry the 重复资助 rule, which once had no name and answered with HTTP 500.
    for direction in guide.directions.all():
        response = client.get(reverse("guides:direction_detail", args=[guide.slug, direction.number]))
        assert response.status_code == 200, direction.number
    html = client.get(reverse("guides:direction_detail", args=[guide.slug, 31])).content.decode()
    assert "重复资助" in html


def test_every_rule_kind_has_a_name_for_the_direction_page():
    from typing import get_args

    from stplan.eligibility.labels import RULE_KINDS
    from stplan.eligibility.rules import AnyRule

    kinds = {get_args(model.model_fields["kind"].annotation)[0] for model in get_args(get_args(AnyRule)[0])}
    assert kinds - set(RULE_KINDS) == set()


def test_guide_page_searches_directions_by_keyword(client, guide):
    url = reverse("guides:guide_detail", args=[guide.slug])
    response = client.get(url, {"q": "博士"})
    numbers = [d.number for p in response.context["programmes"] for _, ds in p.categories for d in ds]
    assert numbers == [24, 25]
    assert "找到 2 个方向" in response.content.decode()


def test_guide_page_finds_a_direction_by_its_number(client, guide):
    url = reverse("guides:guide_detail", args=[guide.slug])
    response = client.get(url, {"q": "方向27"})
    titles = [d.title for p in response.context["programmes"] for _, ds in p.categories for d in ds]
    assert titles == ["企业自有科技成果转化与产业化"]


def test_guide_page_filters_by_programme_and_funding_mode(client, guide):
    url = reverse("guides:guide_detail", args=[guide.slug])
    response = client.get(url, {"programme": "技术创新引导计划", "funding_mode": "post_subsidy"})
    numbers = [d.number for p in response.context["programmes"] for _, ds in p.categories for d in ds]
    assert numbers == list(
        guide.directions.filter(category__programme="技术创新引导计划", funding_mode="post_subsidy")
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert 27 in numbers


def test_guide_page_ignores_unknown_filters_and_odd_keywords(client, guide):
    url = reverse("guides:guide_detail", args=[guide.slug])
    response = client.get(url, {"programme": "x", "funding_mode": "y", "q": "%_\x00" + "长" * 500})
    assert response.status_code == 200


def test_direction_page_names_the_required_attachments_and_offers_templates(client, guide):
    html = client.get(reverse("guides:direction_detail", args=[guide.slug, 27])).content.decode()
    assert (
        '<ul class="attachment-list"><li>科技成果/知识产权权属证明</li><li>单位财务报表</li>'
        "<li>未获市本级财政资金支持承诺书</li></ul>"
    ) in html
    template_url = reverse("guides:attachment_template", args=[guide.slug, "no_city_funding_commitment"])
    assert f'href="{template_url}"' in html


def test_attachment_template_downloads_as_a_pdf_from_the_guide_text(client, guide):
    url = reverse("guides:attachment_template", args=[guide.slug, "matching_commitment"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "filename*=utf-8''%E5%8D%95%E4%BD%8D" in response["Content-Disposition"]


def test_attachment_template_the_bureau_uploaded_replaces_the_generated_one(
    client, guide, settings, tmp_path
):
    from django.core.files.base import ContentFile

    from stplan.guides.models import AttachmentTemplateFile

    settings.MEDIA_ROOT = tmp_path
    upload = AttachmentTemplateFile(guide=guide, code="matching_commitment")
    upload.file.save("commitment.docx", ContentFile(b"bureau's own"), save=True)
    response = client.get(reverse("guides:attachment_template", args=[guide.slug, "matching_commitment"]))
    assert b"".join(response.streaming_content) == b"bureau's own"
    assert ".docx" in response["Content-Disposition"]


def test_unknown_attachment_template_is_not_found(client, guide):
    assert client.get(reverse("guides:attachment_template", args=[guide.slug, "nope"])).status_code == 404
