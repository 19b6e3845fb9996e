"""Requests the API tests send: a 方向25 draft in the interchange format, and tokens."""

from datetime import date

from django.utils import timezone

from stplan.api.services import create_token
from stplan.demo.builders import resident_id, years_ago


def token_for(user, scopes=("read", "write", "submit"), days=30) -> str:
    return create_token(user=user, name="测试", scopes=list(scopes), days=days)[1]


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def direction_25_draft(*, leader, recommender, serial: int = 7, **application) -> dict:
    """The API body of a complete, eligible 方向25 draft (5万 requested, 1:1 matching, 2 years)."""
    today = timezone.localdate()
    start = date(today.year + 1, 1, 1)
    document = {
        "direction": 25,
        "title": "新型柔性传感材料研究",
        "summary": "新型柔性传感材料研究：围绕指南方向开展关键技术研究与示范应用。",
        "content": "1. 材料制备；2. 器件测试；3. 示范应用。",
        "duration_years": 2,
        "lead": {
            "name": leader.unit.name,
            "credit_code": leader.unit.credit_code,
            "kind": leader.unit.kind,
        },
        "leader": {
            "name": leader.full_name,
            "id_type": "resident_id",
            "id_number": resident_id(years_ago(today, 33), serial),
            "degree": "doctorate",
            "discipline": "engineering",
            "title": "associate_senior",
            "arrived_in_guilin_on": years_ago(today, 1).isoformat(),
        },
        "team": [
            {
                "name": "李明",
                "id_type": "resident_id",
                "id_number": resident_id(date(1990, 5, 6), serial + 100),
                "title": "intermediate",
                "core_member": True,
            }
        ],
        "funding": {"requested": 50000, "matching": 50000},
        "recommended_by": recommender.name,
        **application,
    }
    return {
        "application": document,
        "start_date": start.isoformat(),
        "end_date": date(start.year + 1, 12, 31).isoformat(),
        "keywords": "柔性传感，新材料",
        "budget": [
            {"equipment": 12500, "business": 25000, "labor": 6250, "indirect": 6250},
            {"equipment": 12500, "business": 25000, "labor": 6250, "indirect": 6250},
        ],
        "indicator_targets": {"new_technology_or_funding": 1},
    }
