"""The paperless office app."""

from django.apps import AppConfig

from congdoan.org import hooks


class DocumentsConfig(AppConfig):
    name = "congdoan.documents"
    label = "documents"

    def ready(self) -> None:
        # Imported here, not at the top: queries import the models, not loaded yet when
        # Django imports this module.
        from . import queries

        hooks.register_waiting_counter(queries.waiting_for)
