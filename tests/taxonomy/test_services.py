import pytest

from stplan.taxonomy.models import FieldOfStudy
from stplan.taxonomy.services import load_fields_of_study


@pytest.mark.django_db
def test_load_fields_of_study_makes_two_levels():
    load_fields_of_study()
    assert FieldOfStudy.objects.filter(parent__isnull=True).count() == 6
    assert FieldOfStudy.objects.filter(parent__isnull=False).count() == 17
    assert str(FieldOfStudy.objects.get(code="0102")) == "电子信息 / 软件与人工智能"


@pytest.mark.django_db
def test_loading_again_adds_what_is_missing_and_keeps_edits():
    load_fields_of_study()
    FieldOfStudy.objects.filter(code="0102").update(name="人工智能")
    FieldOfStudy.objects.filter(code="0603").delete()

    load_fields_of_study()

    assert FieldOfStudy.objects.get(code="0102").name == "人工智能"
    assert FieldOfStudy.objects.get(code="0603").parent.code == "06"
    assert FieldOfStudy.objects.count() == 23
