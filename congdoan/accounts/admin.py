from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Công Đoàn Số", {"fields": ("full_name",)}))
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("hint", "user", "name", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("key_hash", "hint")


# The admin's own login form checks the password only: it would skip the two-factor step
# and allauth's rate limits. Send it to the site's login instead (allauth's recipe).
admin.site.login = secure_admin_login(admin.site.login)
