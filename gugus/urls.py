from django.http import JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from gugus.accounts.api import AgencyViewSet, UserViewSet
from gugus.audit.api import AuditEventViewSet
from gugus.audit.views import audit_log
from gugus.cases.api import CaseViewSet, PersonViewSet
from gugus.core.views import home
from gugus.regions.api import CountryViewSet, RegionViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("countries", CountryViewSet, basename="country")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("users", UserViewSet, basename="user")
router.register("persons", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")
router.register("audit", AuditEventViewSet, basename="audit")


def health(request):
    return JsonResponse({"status": "ok"})


core_patterns = ([path("", home, name="home"), path("audit/", audit_log, name="audit_log")], "core")

urlpatterns = [
    path("", include(core_patterns)),
    path("", include("gugus.accounts.urls")),
    path("", include("gugus.cases.urls")),
    path("", include("gugus.imports.urls")),
    path("", include("gugus.care.urls")),
    path("", include("gugus.plans.urls")),
    path("portal/", include("gugus.portal.urls")),
    path("", include("gugus.stats.urls")),
    path("", include("gugus.watch.urls")),
    path("", include("gugus.migrants.urls")),
    path("", include("gugus.linkage.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health, name="health"),
    path("", include("gugus.ops.urls")),  # ops: /ready/
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
