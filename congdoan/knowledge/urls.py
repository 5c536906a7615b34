from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("knowledge/", views.article_list, name="list"),
    path("knowledge/new/", views.article_create, name="create"),
    path("knowledge/<int:pk>/", views.article_detail, name="detail"),
    path("knowledge/<int:pk>/edit/", views.article_edit, name="edit"),
    path("knowledge/<int:pk>/vote/", views.vote, name="vote"),
    path("knowledge/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("knowledge/attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
