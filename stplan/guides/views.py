from django.shortcuts import render

from stplan.eligibility import labels
from stplan.eligibility.guide import load_guide_data
from stplan.guides import selectors


def guide_list(request):
    return render(request, "guides/guide_list.html", {"guides": selectors.guide_list()})


def guide_detail(request, slug: str):
    guide = selectors.guide_by_slug(slug)
    section = request.GET.get("section") or None
    sections = selectors.sections_of(guide)
    if section not in sections:
        section = None
    context = {
        "guide": guide,
        "sections": sections,
        "section": section,
        "programmes": selectors.directions_by_programme(guide, section=section),
    }
    return render(request, "guides/guide_detail.html", context)


def direction_detail(request, slug: str, number: int):
    guide = selectors.guide_by_slug(slug)
    direction = selectors.direction_by_number(guide, number)
    rules = [
        {**rule, "kind_label": labels.RULE_KINDS[rule["kind"]]} for rule in direction.data.get("rules", [])
    ]
    metrics = load_guide_data(guide.slug).metrics
    spec = direction.spec
    targets = [
        {
            "label": metrics[t.metric].label,
            "unit": metrics[t.metric].unit,
            "min": t.min,
            "max": t.max,
            "track": spec.tracks[t.track].label if t.track else "",
            "alternative": t.alternative or "",
        }
        for t in spec.targets
    ]
    context = {"guide": guide, "direction": direction, "rules": rules, "targets": targets}
    return render(request, "guides/direction_detail.html", context)
