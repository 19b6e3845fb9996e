"""县（市、区） became a choice from the guide's list: free-text values that name a listed
county unambiguously are rewritten to its name; anything else is kept as typed, and the
registration review page flags it to the bureau."""

import unicodedata

from django.db import migrations

# The list as it stood when the choice came in (stplan/eligibility/data/guilin-2022.yaml).
CITY = "桂林市"
COUNTIES = (
    "秀峰区", "叠彩区", "象山区", "七星区", "雁山区", "临桂区", "阳朔县", "灵川县", "全州县",
    "兴安县", "永福县", "灌阳县", "龙胜各族自治县", "资源县", "平乐县", "荔浦市", "恭城瑶族自治县",
)  # fmt: skip


def listed(typed: str) -> str | None:
    value = "".join(unicodedata.normalize("NFKC", typed or "").split()).removeprefix(CITY)
    if value in COUNTIES:
        return value
    stem = value[:-1] if value[-1:] in ("区", "县", "市") else value
    if len(stem) < 2:
        return None
    matches = [name for name in COUNTIES if name.startswith(stem)]
    return matches[0] if len(matches) == 1 else None


def forwards(apps, schema_editor):
    Unit = apps.get_model("accounts", "Unit")
    for unit in Unit.objects.filter(city=CITY).exclude(county__in=COUNTIES).exclude(county=""):
        name = listed(unit.county)
        if name is not None:
            Unit.objects.filter(pk=unit.pk).update(county=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_qualification_proof")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
