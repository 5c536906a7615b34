from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RoleAssignment, RolePolicy, Unit


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "status", "depth")
    list_filter = ("kind", "status")
    search_fields = ("code", "name", "name_folded")
    readonly_fields = ("path", "depth", "numchild", "name_folded")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "unit", "granted_by", "granted_at")
    list_filter = ("role",)
    raw_id_fields = ("user", "unit", "granted_by")


@admin.register(RolePolicy)
class RolePolicyAdmin(SimpleHistoryAdmin):
    list_display = ("role", "require_mfa", "updated_at")
