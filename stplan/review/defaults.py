from functools import cache
from importlib import resources

import yaml
from django.db import transaction

from stplan.guides.models import Guide
from stplan.review.models import ScoreSheet
from stplan.taxonomy.services import load_fields_of_study

RUBRIC_KEYS = ("description", "bands")


@cache
def _data() -> dict:
    return yaml.safe_load((resources.files("stplan.review") / "data" / "defaults.yaml").read_text("utf-8"))


@transaction.atomic
def load_review_defaults(*, guide: Guide) -> None:
    """Add the default fields and score sheets that are missing; never overwrite edits. A
    sheet loaded before score items had a rubric gains the rubric of items it lacks one for."""
    load_fields_of_study()
    for sheet in _data()["score_sheets"]:
        stored, created = ScoreSheet.objects.get_or_create(
            guide=guide,
            name=sheet["name"],
            defaults={
                "programme": sheet["programme"],
                "direction_numbers": sheet["direction_numbers"],
                "criteria": sheet["criteria"],
            },
        )
        if not created:
            rubric = {c["code"]: {k: c[k] for k in RUBRIC_KEYS if k in c} for c in sheet["criteria"]}
            criteria = [
                {**rubric.get(c["code"], {}), **c} if not any(k in c for k in RUBRIC_KEYS) else c
                for c in stored.criteria
            ]
            if criteria != stored.criteria:
                stored.criteria = criteria
                stored.save(update_fields=["criteria"])


def expert_may_see_attachment(code: str, *, blind: bool) -> bool:
    """Whether an assigned expert is given an attachment of this kind (expert_attachments in
    defaults.yaml: `never` lists kinds no expert gets; `blind: none` gives none in a blind round)."""
    rules = _data()["expert_attachments"]
    if blind and rules["blind"] == "none":
        return False
    return code not in rules["never"]
