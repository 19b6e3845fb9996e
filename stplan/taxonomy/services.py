from importlib import resources

import yaml
from django.db import transaction

from stplan.taxonomy.models import FieldOfStudy


@transaction.atomic
def load_fields_of_study() -> None:
    """Add the default 学科领域 that are missing; never overwrite edits."""
    data = yaml.safe_load((resources.files("stplan.taxonomy") / "data" / "fields.yaml").read_text("utf-8"))
    for top in data["fields"]:
        parent, _ = FieldOfStudy.objects.get_or_create(code=top["code"], defaults={"name": top["name"]})
        for child in top.get("children", []):
            FieldOfStudy.objects.get_or_create(
                code=child["code"], defaults={"name": child["name"], "parent": parent}
            )
