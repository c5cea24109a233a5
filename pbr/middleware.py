"""Request middleware of the project."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class SpanishFirstLocaleMiddleware(LocaleMiddleware):
    """Activates Spanish (Chile) unless the person chose another language with the language switcher.

    The browser's Accept-Language is ignored on purpose: the product speaks es-CL first, and many
    government workstations ship with an English browser.
    """

    def process_request(self, request):
        try:
            language = translation.get_supported_language_variant(
                request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
            )
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
