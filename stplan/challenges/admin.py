from django import forms
from django.contrib import admin

from stplan.audit.admin import WorkflowAdmin
from stplan.challenges.models import ChallengeItem, Need, NeedCall


class NeedCallForm(forms.ModelForm):
    class Meta:
        model = NeedCall
        fields = ["direction", "industry", "opens_at", "closes_at", "notice"]

    def clean(self):
        data = super().clean()
        direction = data.get("direction")
        if direction is not None and direction.spec.challenge is None:
            self.add_error("direction", f"方向{direction.number}不实行“揭榜挂帅”，不能征集技术需求。")
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "征集截止须晚于征集开始。")
        return data


@admin.register(NeedCall)
class NeedCallAdmin(admin.ModelAdmin):
    """The bureau sets each year's call for needs here: its 优势产业 and window."""

    form = NeedCallForm
    list_display = ["direction", "industry", "opens_at", "closes_at"]


@admin.register(Need)
class NeedAdmin(WorkflowAdmin):
    list_display = ["title", "unit", "call", "status"]
    list_filter = ["status", "call"]
    readonly_workflow_fields = ("merged_into",)


@admin.register(ChallengeItem)
class ChallengeItemAdmin(WorkflowAdmin):
    list_display = ["code", "title", "amount_max", "winners", "status"]
    list_filter = ["status", "direction"]
    readonly_workflow_fields = ("need",)
