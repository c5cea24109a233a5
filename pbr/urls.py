"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

import core.converters  # noqa: F401 - registers the path converters below (year, id, region, code)
from api import pages as api_pages
from pbr import oidc
from pbr.views import Login, health, set_language
from results.views.home import home

admin.site.site_header = _("Presupuesto por Resultados · GORE")
admin.site.site_title = _("PbR GORE")
admin.site.index_title = _("Administración")

# A request that fails because the database is unavailable gets the outage page (503), any other the error page.
handler500 = "pbr.views.server_error"

urlpatterns = [
    path("cuenta/ingresar/", Login.as_view(), name="login"),
    path("cuenta/salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("cuenta/oidc/ingresar/", oidc.SignIn.as_view(), name="oidc_authentication_init"),
    path("cuenta/oidc/vuelta/", oidc.Callback.as_view(), name="oidc_authentication_callback"),
    path("salud/", health, name="health"),
    # Browsers ask for /favicon.ico whatever the pages link: send them to the icon (its hashed name, hence lazy).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg")), name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("publico/", include("results.public_urls")),
    path("cuenta/tokens/", api_pages.tokens, name="api_tokens"),
    path("cuenta/tokens/<id:pk>/revocar/", api_pages.token_revoke, name="api_token_revoke"),
    path("", home, name="home"),
    path("", include("indicators.urls")),
    path("", include("programs.urls")),
    path("", include("investments.urls")),
    path("", include("pmg.urls")),
    path("", include("results.urls")),
]
