"""Authentication backend reading the logged-in person from the shared cache instead of the database.

Django's AuthenticationMiddleware asks the session's backend for the user on every request, then checks
the session's hash of the password against that user (a password change logs out the other sessions):
this backend only changes where the user row comes from. The cache entry is renewed by every save or
delete of the user (regions/signals.py), so a deactivated person is refused from their next request.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser

from regions.selectors import user_get_cached


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend (logins, permissions) whose `get_user` reads through the shared cache."""

    def get_user(self, user_id: int) -> AbstractBaseUser | None:
        """Return the active user with that id, or None (unknown or inactive); no query on a cache hit."""
        user = user_get_cached(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id: int) -> AbstractBaseUser | None:
        """Return get_user's answer, for asynchronous requests."""
        return await sync_to_async(self.get_user)(user_id)
