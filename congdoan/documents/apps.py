"""The paperless office app."""

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "congdoan.documents"
    label = "documents"
