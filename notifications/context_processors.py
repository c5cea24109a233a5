"""Template context: the bell's count of unread notifications (read only when a page draws it)."""

from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count


def bell(request) -> dict:
    if not request.user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(request.user))}
