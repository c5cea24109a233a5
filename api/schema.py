"""How the OpenAPI schema describes the API: the token authentication, and the errors every operation may
answer (a bad filter or body 400, bad credentials 401, no permission 403, no such row or page 404, too many
requests 429; a format it cannot answer in 406, a body of another type 415), each as {"detail": "…", "code": "…"}
(api.errors: `code` always there)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

ERRORS = {
    "400": _("La petición no es válida: el detalle dice qué corregir."),
    "401": _("Las credenciales faltan o no sirven (token desconocido, vencido o revocado)."),
    "403": _("La persona (o su token) no puede hacer esto."),
    "404": _("No existe, o la persona no puede verlo."),
    "406": _("No se puede responder en el formato pedido (Accept): JSON o CSV."),
    "429": _("Demasiadas peticiones: espere los segundos que indica Retry-After."),
}
# What only operations that read a body may answer.
BODY_ERRORS = {"415": _("El cuerpo no viene en el tipo de contenido que la operación lee (Content-Type).")}


class Schema(AutoSchema):
    """drf-spectacular's schema, with the errors every operation may answer, and reads open to anyone
    (api.permissions: what each reads is decided by api.selectors)."""

    def get_auth(self):
        auths = super().get_auth()
        if self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def _get_response_bodies(self, direction="response"):
        from api.serializers import ProblemSerializer  # noqa: PLC0415 - the serializers import the models

        responses = super()._get_response_bodies(direction)
        errors = ERRORS if self.method in SAFE_METHODS else {**ERRORS, **BODY_ERRORS}
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(ProblemSerializer, code, direction=direction)
                responses[code]["description"] = str(description)
        return responses


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Un token de pbr (pbr_…), creado en /cuenta/tokens/.",
        }
