from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from stplan.accounts.models import Invitation, Unit, UnitEvent, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "kind", "county", "recommender_kind", "status"]
    list_filter = ["status", "kind", "recommender_kind", "county"]
    search_fields = ["name", "credit_code"]


@admin.register(User)
class StplanUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "unit", "section", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("科技计划", {"fields": ["role", "unit", "section", "full_name", "phone"]}),
    ]


@admin.register(UnitEvent)
class UnitEventAdmin(admin.ModelAdmin):
    list_display = ["unit", "action", "from_status", "to_status", "actor", "at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Invitation)
