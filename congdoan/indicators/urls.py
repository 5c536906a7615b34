"""Dashboard URLs: a unit's page, its exports, drill-down lists and targets."""

from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("indicators/", views.home, name="home"),
    path("indicators/<str:code>/", views.dashboard, name="dashboard"),
    path("indicators/<str:code>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("indicators/<str:code>/report.pdf", views.report_pdf, name="report_pdf"),
    path("indicators/<str:code>/<str:indicator>/records/", views.records, name="records"),
    path(
        "indicators/<str:code>/<str:indicator>/below-target/",
        views.below_target,
        name="below_target",
    ),
    path("indicators/<str:code>/<str:indicator>/targets/", views.targets, name="targets"),
    path(
        "indicators/<str:code>/targets/<int:target_id>/delete/",
        views.delete_target,
        name="delete_target",
    ),
]
