"""The member pages under ``/members/`` (the API is ``api.py``, mounted under ``/api/v1/members``)."""

from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("members/", views.member_list, name="list"),
    path("members/new/", views.admit, name="admit"),
    path("members/export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("members/export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("members/duplicates/", views.duplicates, name="duplicates"),
    path("members/duplicates/merge/", views.merge, name="merge"),
    path("members/transfers/", views.transfers, name="transfers"),
    path("members/transfers/<int:pk>/decide/", views.decide_transfer, name="decide_transfer"),
    path("members/imports/", views.imports, name="imports"),
    path("members/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("members/imports/<int:pk>/run/", views.import_rerun, name="import_rerun"),
    path("members/imports/<int:pk>/rejected.xlsx", views.import_rejected, name="import_rejected"),
    path("members/roster/<str:code>.xlsx", views.roster, name="roster"),
    path("members/<int:pk>/", views.detail, name="detail"),
    path("members/<int:pk>/cccd/", views.reveal_cccd, name="reveal_cccd"),
    path("members/<int:pk>/edit/", views.edit, name="edit"),
    path("members/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("members/<int:pk>/status/<str:action>/", views.change_status, name="status"),
]
