from django.contrib import admin

from stplan.review.models import (
    Assignment,
    DeclaredConflict,
    Expert,
    Review,
    ReviewRound,
    ScoreSheet,
)


@admin.register(ScoreSheet)
class ScoreSheetAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "direction_numbers"]


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "county", "load_cap", "available", "enabled"]
    list_filter = ["enabled", "available"]

    def has_change_permission(self, request, obj=None):
        return False  # changes go through the 专家库 pages, which keep the history


admin.site.register(ReviewRound)
admin.site.register(DeclaredConflict)
admin.site.register(Assignment)
admin.site.register(Review)
