"""The skills models in Django's admin (for the federation's system administrators;
officers work through the skills pages)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assessment,
    Campaign,
    Certificate,
    Competence,
    CompetenceArea,
    Course,
    DigitalSkillsDefinition,
    FrameworkVersion,
    SkillRecord,
    TrainingPlan,
    TrainingSession,
)


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "valid_from", "is_current")


@admin.register(CompetenceArea)
class CompetenceAreaAdmin(SimpleHistoryAdmin):
    list_display = ("version", "code", "name_vi", "name_en")
    list_filter = ("version",)


@admin.register(Competence)
class CompetenceAdmin(SimpleHistoryAdmin):
    list_display = ("version", "code", "name_vi", "name_en", "needs_check")
    list_filter = ("version", "needs_check")


@admin.register(DigitalSkillsDefinition)
class DefinitionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "unit", "purpose", "min_step", "valid_from", "valid_to")
    raw_id_fields = ("unit",)


@admin.register(Course)
class CourseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "unit", "mode", "target_step", "active")
    raw_id_fields = ("unit",)


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ("code", "course", "unit", "starts_on", "status")
    raw_id_fields = ("unit", "course", "trainer", "campaign", "plan", "created_by")
    list_filter = ("status",)


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("title", "competence", "step", "unit", "active")
    raw_id_fields = ("unit",)


@admin.register(SkillRecord)
class SkillRecordAdmin(admin.ModelAdmin):
    list_display = ("member", "competence", "step", "source", "achieved_on", "revoked_at")
    raw_id_fields = ("member", "attempt", "enrolment", "recorded_by", "revoked_by")
    list_filter = ("source",)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("number", "holder_name", "course_title", "unit_name", "issued_on", "revoked_at")
    raw_id_fields = ("member", "enrolment", "course", "unit", "issued_by")
    search_fields = ("number",)


admin.site.register(Campaign)
admin.site.register(TrainingPlan)
