from importlib import resources

import yaml
from django.db import transaction

from stplan.guides.models import Guide
from stplan.review.models import FieldOfStudy, ScoreSheet


@transaction.atomic
def load_review_defaults(*, guide: Guide) -> None:
    """Add the default fields and score sheets that are missing; never overwrite edits."""
    data = yaml.safe_load((resources.files("stplan.review") / "data" / "defaults.yaml").read_text("utf-8"))
    for top in data["fields"]:
        parent, _ = FieldOfStudy.objects.get_or_create(code=top["code"], defaults={"name": top["name"]})
        for child in top.get("children", []):
            FieldOfStudy.objects.get_or_create(
                code=child["code"], defaults={"name": child["name"], "parent": parent}
            )
    for sheet in data["score_sheets"]:
        ScoreSheet.objects.get_or_create(
            guide=guide,
            name=sheet["name"],
            defaults={
                "programme": sheet["programme"],
                "direction_numbers": sheet["direction_numbers"],
                "criteria": sheet["criteria"],
            },
        )
