from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Article, Attachment, Vote


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["size", "created_at"]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "unit", "topic", "status", "effective_from", "useful_count"]
    list_filter = ["topic", "status"]
    search_fields = ["title", "search_text"]
    raw_id_fields = ["unit", "created_by"]
    inlines = [AttachmentInline]

    def save_model(self, request, obj, form, change):
        # The admin bypasses the services: keep the searched text in step with the article.
        obj.search_text = services.search_text_of(obj.title, obj.body)
        super().save_model(request, obj, form, change)


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["article", "user", "useful", "created_at"]
    raw_id_fields = ["article", "user"]
