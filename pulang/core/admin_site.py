"""Django's admin, open only to administrators who passed the second factor, with every save
recorded in the audit trail. Personal data of deported people is never registered here."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db.models import Model
from django.http import HttpRequest

from pulang.access.roles import Capability


class PulangAdminSite(admin.AdminSite):
    site_header = "Pulang"
    site_title = "Pulang"

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(
            user.is_active
            and user.is_authenticated
            and user.has_capability(Capability.ADMINISTER)
            and user.is_verified()
        )


class PulangAdminConfig(AdminConfig):
    default_site = "pulang.core.admin_site.PulangAdminSite"


class AuditedModelAdmin(admin.ModelAdmin):
    """Administrators may view, add and change; nothing is deleted from the admin."""

    def _administers(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "has_capability", lambda _: False)(Capability.ADMINISTER))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._administers(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._administers(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._administers(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._administers(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from pulang.audit.models import AuditEvent
        from pulang.audit.services import audit_record

        before = {}
        if change and obj.pk:
            previous = type(obj)._default_manager.filter(pk=obj.pk).values().first() or {}
            before = {name: previous.get(name) for name in form.changed_data}
        super().save_model(request, obj, form, change)
        after = {name: getattr(obj, name, None) for name in form.changed_data}
        after.pop("password", None)
        before.pop("password", None)
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.CHANGE if change else AuditEvent.Action.CREATE,
            target=obj,
            summary="admin",
            changes={key: [before.get(key), after.get(key)] for key in after},
        )
