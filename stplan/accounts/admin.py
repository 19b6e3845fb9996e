from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from stplan.accounts.models import Invitation, Unit, UnitEvent, User
from stplan.audit.admin import ReadOnlyAdmin, WorkflowAdmin


@admin.register(Unit)
class UnitAdmin(WorkflowAdmin):
    """注册审核 moves the status (and writes its reason) through `services.transition_unit`;
    the admin keeps the unit's particulars, such as the recommender kind."""

    list_display = ["name", "credit_code", "kind", "county", "recommender_kind", "status"]
    list_filter = ["status", "kind", "recommender_kind", "county"]
    search_fields = ["name", "credit_code"]
    readonly_workflow_fields = ("review_reason",)


@admin.register(User)
class StplanUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "unit", "section", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("科技计划", {"fields": ["role", "unit", "section", "full_name", "phone"]}),
    ]


@admin.register(UnitEvent)
class UnitEventAdmin(ReadOnlyAdmin):
    list_display = ["unit", "action", "from_status", "to_status", "actor", "at"]


admin.site.register(Invitation)
