"""The 申报书 as a PDF in the printed layout, for 盖章: A4, CJK fonts, page numbers and a
signature and seal block for every unit."""

from django.template.loader import render_to_string
from weasyprint import HTML

from stplan.applications.dossier import Dossier, display_sections
from stplan.applications.forms import ATTACHMENT_LABELS, raw_data


def application_pdf(*, application, version=None) -> bytes:
    data = raw_data(version.snapshot["form"]) if version else None
    dossier = Dossier.of(application, data)
    units = [
        application.lead_unit.name,
        *(form.unit.name for form in dossier.forms["partners"].forms if hasattr(form, "unit")),
    ]
    html = render_to_string(
        "applications/print.html",
        {
            "application": application,
            "version": version,
            "dossier": dossier,
            "forms": dossier.forms,
            "units": units,
            "sections": display_sections(dossier),
            "attachments": [
                {**a, "label": ATTACHMENT_LABELS.get(a["code"], a["code"])}
                for a in (version.snapshot["attachments"] if version else [])
            ],
        },
    )
    return HTML(string=html).write_pdf()
