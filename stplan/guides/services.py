import hashlib

from django.db import transaction

from stplan.eligibility.guide import guide_file, load_guide_data
from stplan.guides.models import CallBatch, Category, Direction, Guide


@transaction.atomic
def load_guide(*, slug: str) -> Guide:
    """Copy the guide's data file into the database; running it again changes nothing
    unless the file changed, and 方向 or 类别 the file no longer has are removed."""
    data = load_guide_data(slug)
    raw = guide_file(slug).read_bytes()
    guide, _ = Guide.objects.update_or_create(
        slug=slug,
        defaults={"title": data.title, "year": data.year, "data_sha256": hashlib.sha256(raw).hexdigest()},
    )
    categories = {}
    for position, c in enumerate(data.categories):
        categories[(c.programme, c.name)], _ = Category.objects.update_or_create(
            guide=guide,
            programme=c.programme,
            name=c.name,
            defaults={"max_projects": c.max_projects, "position": position},
        )
    for d in data.directions:
        Direction.objects.update_or_create(
            guide=guide,
            number=d.number,
            defaults={
                "category": categories[(d.programme, d.category)],
                "title": d.title,
                "section": d.section,
                "section_role": d.section_role,
                "research_scope": d.research_scope,
                "indicators": d.indicators,
                "requirements": d.requirements,
                "duration_years": d.duration_years,
                "funding_mode": d.funding_mode,
                "quota_kind": d.quota.kind,
                "quota_count": d.quota_count,
                "amount_kind": d.amount.kind,
                "amount_max": d.amount_max,
                "novelty_exempt": d.novelty_exempt,
                "accepts_applications": d.accepts_applications,
                "data": d.model_dump(mode="json"),
            },
        )
    for position, batch in enumerate(data.call.batches):
        row, created = CallBatch.objects.update_or_create(
            guide=guide,
            code=batch.code,
            defaults={
                "name": batch.name,
                "position": position,
                "direction_numbers": list(batch.directions),
                "year_round": batch.year_round,
                "interpretation": data.call.interpretation or "",
            },
        )
        # The dates are the bureau's: the file only gives a new batch its first ones.
        if created and (batch.opens or batch.closes):
            row.opens_at, row.closes_at = batch.opens, batch.closes
            row.save(update_fields=["opens_at", "closes_at"])
    guide.directions.exclude(number__in=[d.number for d in data.directions]).delete()
    guide.categories.exclude(pk__in=[c.pk for c in categories.values()]).delete()
    return guide
