from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from stplan.guides.models import AttachmentTemplateFile, CallBatch, Category, Direction, Guide


class CallBatchForm(forms.ModelForm):
    class Meta:
        model = CallBatch
        fields = ["code", "name", "position", "direction_numbers", "year_round", "opens_at", "closes_at"]

    def clean_direction_numbers(self):
        numbers = self.cleaned_data["direction_numbers"] or []
        if not isinstance(numbers, list) or not all(isinstance(n, int) and n > 0 for n in numbers):
            raise forms.ValidationError(_("请填写方向编号的列表，如 [27]。"))
        return numbers

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("申报截止须晚于申报开始。"))
        return data


class CallBatchInline(admin.TabularInline):
    model = CallBatch
    form = CallBatchForm
    extra = 0


class AttachmentTemplateFileInline(admin.TabularInline):
    model = AttachmentTemplateFile
    extra = 0
    fields = ["code", "file", "uploaded_at"]
    readonly_fields = ["uploaded_at"]


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "year", "loaded_at"]
    readonly_fields = ["data_sha256", "loaded_at"]
    inlines = [CallBatchInline, AttachmentTemplateFileInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "max_projects", "guide"]
    list_filter = ["guide", "programme"]


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "section",
        "duration_years",
        "funding_mode",
        "quota_kind",
        "quota_count",
        "amount_max",
        "accepts_applications",
    ]
    list_display_links = ["number", "title"]
    list_filter = ["guide", "category__programme", "section", "funding_mode", "novelty_exempt"]
    search_fields = ["title", "research_scope", "requirements"]
