from django.contrib import admin

from pulang.core.admin_site import AuditedModelAdmin

from .models import Programme


@admin.register(Programme)
class ProgrammeAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "agency", "budget", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
