"""Request middleware of the project."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class SpanishFirstLocaleMiddleware(LocaleMiddleware):
    """Activates Spanish (Chile) unless the person chose another language with the language switcher.

    The browser's Accept-Language is ignored on purpose: the product speaks es-CL first, and many
    government workstations ship with an English browser.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if is_public(request):  # the portal's pages say their language in the address: caches keep one copy each
            chosen = request.GET.get("lang")
        try:
            language = translation.get_supported_language_variant(chosen or settings.LANGUAGE_CODE)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        """Name the page's language; the page varies with the language cookie, never with Accept-Language.

        LocaleMiddleware's own answer looks for a language in the path (no URL carries one here) and
        would make HTTP caches keep one copy per browser language for nothing.
        """
        if not is_public(request):
            patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def is_public(request) -> bool:
    """Return whether the request is for the public portal, whose pages are the same for everyone."""
    return request.path_info.startswith(settings.PUBLIC_PATH)
