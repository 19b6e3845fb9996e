"""The 申报书 as a PDF in the printed layout, for 盖章: A4, CJK fonts, page numbers and a
signature and seal block for every unit."""

from django.template.loader import render_to_string
from weasyprint import HTML

from stplan.applications.dossier import Dossier, attachment_rows, display_sections
from stplan.applications.submission import submitted_content


def application_pdf(*, application, version=None) -> bytes:
    dossier = Dossier.of_version(application, version)
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
            "requested": dossier.cleaned("sources").get("city"),
            "sections": display_sections(dossier),
            "attachments": attachment_rows(submitted_content(version) if version else None),
        },
    )
    return HTML(string=html).write_pdf()
