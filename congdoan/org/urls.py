from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("units/", views.tree, name="tree"),
    path("units/search/", views.search, name="search"),
    path("units/communes/", views.communes, name="communes"),
    path("units/<str:code>/", views.detail, name="detail"),
    path("units/<str:code>/children/", views.children, name="children"),
    path("units/<str:code>/new/", views.create, name="create"),
    path("units/<str:code>/edit/", views.edit, name="edit"),
    path("units/<str:code>/move/", views.move, name="move"),
    path("units/<str:code>/merge/", views.merge, name="merge"),
    path("units/<str:code>/dissolve/", views.dissolve, name="dissolve"),
    path("units/<str:code>/roles/", views.roles, name="roles"),
    path(
        "units/<str:code>/roles/<int:assignment_id>/revoke/", views.revoke_role, name="revoke_role"
    ),
    path("security/policies/", views.policies, name="policies"),
]
