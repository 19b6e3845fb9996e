from importlib import resources

import yaml
from django.db import transaction

from stplan.guides.models import Guide
from stplan.review.models import ScoreSheet
from stplan.taxonomy.services import load_fields_of_study


@transaction.atomic
def load_review_defaults(*, guide: Guide) -> None:
    """Add the default fields and score sheets that are missing; never overwrite edits."""
    load_fields_of_study()
    data = yaml.safe_load((resources.files("stplan.review") / "data" / "defaults.yaml").read_text("utf-8"))
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
