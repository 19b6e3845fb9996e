from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

from stplan.eligibility import labels
from stplan.eligibility.guide import load_guide_data
from stplan.guides import calls, selectors
from stplan.guides.models import FUNDING_MODE_CHOICES


def guide_list(request):
    guides = selectors.guide_list()
    return render(
        request,
        "guides/guide_list.html",
        {"guides": [(guide, calls.guide_summary(guide)) for guide in guides]},
    )


def _choice(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


def guide_detail(request, slug: str):
    guide = selectors.guide_by_slug(slug)
    sections = selectors.sections_of(guide)
    programmes = selectors.programmes_of(guide)
    filters = {
        "section": _choice(request.GET.get("section"), sections),
        "programme": _choice(request.GET.get("programme"), programmes),
        "funding_mode": _choice(request.GET.get("funding_mode"), dict(FUNDING_MODE_CHOICES)),
        "q": request.GET.get("q", "").strip()[:100],
    }
    listings = selectors.directions_by_programme(guide, **filters)
    numbers = [d.number for p in listings for _, ds in p.categories for d in ds]
    statuses = calls.guide_statuses(guide, numbers)
    for listing in listings:
        for _, directions in listing.categories:
            for direction in directions:
                direction.call = statuses[direction.number]
    context = {
        "guide": guide,
        "sections": sections,
        "programme_names": programmes,
        "funding_modes": FUNDING_MODE_CHOICES,
        "filters": filters,
        "filtered": any(filters.values()),
        "count": len(numbers),
        "programmes": listings,
        "batches": calls.guide_summary(guide),
    }
    return render(request, "guides/guide_detail.html", context)


def direction_detail(request, slug: str, number: int):
    guide = selectors.guide_by_slug(slug)
    direction = selectors.direction_by_number(guide, number)
    rules = [
        {
            **rule,
            "kind_label": labels.RULE_KINDS[rule["kind"]],
            "files": labels.names(labels.ATTACHMENTS, rule["codes"]) if rule["kind"] == "attachments" else "",
        }
        for rule in direction.data.get("rules", [])
    ]
    data = load_guide_data(guide.slug)
    metrics = data.metrics
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
    attachments = [
        {"code": code, "label": labels.ATTACHMENTS[code]}
        for rule in spec.rules
        if rule.kind == "attachments"
        for code in rule.codes
    ]
    context = {
        "guide": guide,
        "direction": direction,
        "rules": rules,
        "targets": targets,
        "attachments": list({a["code"]: a for a in attachments}.values()),
        "templates": data.attachment_templates_of(spec),
        "call": calls.direction_status(direction),
    }
    return render(request, "guides/direction_detail.html", context)


def attachment_template(request, slug: str, code: str):
    """The blank of a 必备附件: the bureau's uploaded file, else a PDF from the guide's text."""
    guide = selectors.guide_by_slug(slug)
    template = next((t for t in guide.spec.attachment_templates if t.code == code), None)
    if template is None:
        raise Http404
    if uploaded := guide.template_files.filter(code=code).first():
        extension = uploaded.file.name.rsplit(".", 1)[-1] if "." in uploaded.file.name else "bin"
        return FileResponse(
            uploaded.file.open("rb"), as_attachment=True, filename=f"{template.title}.{extension}"
        )
    from weasyprint import HTML

    html = render_to_string("guides/attachment_template_print.html", {"guide": guide, "template": template})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{template.title}.pdf")
    return response
