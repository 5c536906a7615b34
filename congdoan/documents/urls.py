"""URLs of the paperless office: documents, incoming register, registers, certificates,
and the public verification page."""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("documents/", views.document_list, name="list"),
    path("documents/new/", views.document_create, name="create"),
    path("documents/incoming/", views.incoming_list, name="incoming"),
    path("documents/incoming/paper/", views.incoming_paper, name="incoming_paper"),
    path("documents/incoming/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("documents/incoming/<int:pk>/scan/", views.incoming_scan, name="incoming_scan"),
    path("documents/incoming/<int:pk>/assign/", views.incoming_assign, name="incoming_assign"),
    path("documents/incoming/<int:pk>/handle/", views.incoming_handle, name="incoming_handle"),
    path("documents/overdue/", views.overdue, name="overdue"),
    path("documents/registers/", views.register_list, name="registers"),
    path("documents/registers/<int:pk>/", views.register_detail, name="register_detail"),
    path("documents/certificates/", views.certificate_list, name="certificates"),
    path("documents/certificates/issue/", views.certificate_issue, name="certificate_issue"),
    path("documents/certificates/import/", views.certificate_import, name="certificate_import"),
    path(
        "documents/certificates/<int:pk>/revoke/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("documents/<int:pk>/", views.document_detail, name="detail"),
    path("documents/<int:pk>/file/", views.document_file, name="file"),
    path(
        "documents/<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_file,
        name="attachment",
    ),
    path("documents/<int:pk>/revise/", views.document_revise, name="revise"),
    path("documents/<int:pk>/submit/", views.document_submit, name="submit"),
    path("documents/<int:pk>/review/", views.document_review, name="review"),
    path("documents/<int:pk>/approve/", views.document_approve, name="approve"),
    path("documents/<int:pk>/sign/", views.document_sign, name="sign"),
    path("documents/<int:pk>/issue/", views.document_issue, name="issue"),
    path("verify/document", views.verify_document, name="verify"),
]
