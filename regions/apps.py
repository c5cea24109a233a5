from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "regions"
    verbose_name = _("Regiones")

    def ready(self) -> None:
        # Imported once the models are ready: the receivers name auth's and this app's models.
        from regions.signals import connect_access_invalidation, ensure_role_groups  # noqa: PLC0415

        # After auth has created the permissions (its post_migrate handler is connected first).
        post_migrate.connect(ensure_role_groups, dispatch_uid="regions.ensure_role_groups")
        connect_access_invalidation()
