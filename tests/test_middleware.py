from django.urls import reverse


def test_unknown_language_cookie_falls_back_to_chinese(client, db):
    client.cookies["django_language"] = "fr"
    response = client.get(reverse("guides:guide_list"))
    assert response["Content-Language"] == "zh-hans"
    assert "申报指南" in response.content.decode()
