from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The foundation: numbers and their Chilean format, template filters, admin base classes, tables as
    spreadsheets, PDF, uploads and database routing. It imports no other app of the project."""

    name = "core"
    verbose_name = "Core"
