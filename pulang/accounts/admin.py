from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "agency", "is_active")
    list_filter = ("agency", "is_active", "is_staff")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Instansi"), {"fields": ("agency",)}))  # type: ignore[misc]
