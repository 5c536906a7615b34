from django.contrib import admin

from .models import (
    Delivery,
    Notification,
    Preference,
    PushSubscription,
    ZaloDailyUsage,
    ZaloTemplate,
)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    readonly_fields = (
        "channel",
        "status",
        "attempts",
        "error",
        "provider_ref",
        "last_attempt_at",
        "sent_at",
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username")
    raw_id_fields = ("user",)
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "channel", "status", "attempts", "sent_at", "last_attempt_at")
    list_filter = ("channel", "status")
    raw_id_fields = ("notification",)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "channel", "enabled")
    raw_id_fields = ("user",)


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "user_agent", "created_at", "last_used_at")
    raw_id_fields = ("user",)


@admin.register(ZaloTemplate)
class ZaloTemplateAdmin(admin.ModelAdmin):
    list_display = ("kind", "template_id", "daily_quota", "active")


@admin.register(ZaloDailyUsage)
class ZaloDailyUsageAdmin(admin.ModelAdmin):
    list_display = ("template", "day", "sent")
