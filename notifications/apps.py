from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notificaciones")

    def ready(self) -> None:
        # Imported once the models are ready: the receiver reads notifications.
        from django.contrib.auth import user_logged_in  # noqa: PLC0415

        from notifications.selectors import unread_warm  # noqa: PLC0415

        user_logged_in.connect(unread_warm, dispatch_uid="notifications.unread_warm")
