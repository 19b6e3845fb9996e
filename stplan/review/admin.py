from django.contrib import admin

from stplan.audit.admin import ReadOnlyAdmin, WorkflowAdmin
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
class ExpertAdmin(ReadOnlyAdmin):
    """Experts are added and changed on the 专家库 pages, which keep the history."""

    list_display = ["__str__", "title", "county", "load_cap", "available", "enabled"]
    list_filter = ["enabled", "available"]


@admin.register(ReviewRound)
class ReviewRoundAdmin(WorkflowAdmin):
    """Rounds are created, published and closed on the 专家评审 pages, which keep the history."""

    list_display = ["name", "guide", "status", "due_at", "created_at"]
    list_filter = ["status", "guide"]
    readonly_workflow_fields = ("solver_report",)


@admin.register(Assignment)
class AssignmentAdmin(WorkflowAdmin):
    """Who reviews what, and when the expert signed the pledge, is the record of the round."""

    list_display = ["expert", "application", "round", "status", "affinity"]
    list_filter = ["status", "round"]
    list_select_related = ["expert__user", "application", "round"]
    readonly_workflow_fields = ("round", "application", "expert", "pledged_at")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    """Scores are the experts' own: a draft changes only through the expert's page, and a
    submitted one not at all (the database refuses, see stplan.audit.FROZEN_WHEN)."""

    list_display = ["assignment", "total", "recommendation", "submitted_at"]
    list_select_related = ["assignment__expert__user", "assignment__application"]


@admin.register(DeclaredConflict)
class DeclaredConflictAdmin(ReadOnlyAdmin):
    """A declared 回避 is the reason an expert left a task: evidence, like the task's history."""

    list_display = ["expert", "application", "kind", "declared_on", "declared_by"]
