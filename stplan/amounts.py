"""Money as people read it: integer 元 shown in 万元 in Chinese, as Chinese forms and
公示 lists do (5000000 → 500万元, 52500 → 5.25万元, 8000 → 8000元), and with thousands
separators in English. A template builtin, so every template has `{{ amount|yuan }}`."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def yuan(amount) -> str:
    if amount is None or amount == "":
        return "—"
    amount = int(amount)
    if not (get_language() or "zh-hans").startswith("zh"):
        return f"¥{amount:,}"
    if abs(amount) < 10_000:
        return f"{amount}元"
    wan = (Decimal(amount) / 10_000).normalize()
    return f"{wan:f}万元"
