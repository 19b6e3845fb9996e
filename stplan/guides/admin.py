from django.contrib import admin

from stplan.guides.models import Category, Direction, Guide


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "year", "loaded_at"]
    readonly_fields = ["data_sha256", "loaded_at"]


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
