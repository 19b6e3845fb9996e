from django.contrib import admin

from stplan.taxonomy.models import FieldOfStudy


@admin.register(FieldOfStudy)
class FieldOfStudyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
