from django.contrib import admin

from pulang.core.admin_site import AuditedModelAdmin

from .models import Agency, Shelter


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "kind", "region", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    raw_id_fields = ("region",)


@admin.register(Shelter)
class ShelterAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "kind", "agency", "capacity_total")
    raw_id_fields = ("region",)
