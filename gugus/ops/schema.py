"""OpenAPI security schemes for Gugus's authenticators (so /api/schema/ says how to authenticate)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AgencyTokenScheme(OpenApiAuthenticationExtension):
    target_class = "gugus.accounts.api_auth.AgencyTokenAuthentication"
    name = "agencyToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <secret>` of an agency API token (a service account of one agency)."}


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "gugus.accounts.api_auth.VerifiedSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "A signed-in browser session after the second factor (CSRF token required)."}
