"""The accounts and the audit log in Django's admin (for the administrator)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from kaizen_studio.channel.accounts.models import AuditEntry, User


@admin.register(User)
class ChannelUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Channel", {"fields": ("role",)}))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("when", "username", "action", "target")
    readonly_fields = ("when", "user", "username", "action", "target")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
