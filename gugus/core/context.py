"""Template context every page gets."""

from django.conf import settings


def gugus(request):
    return {"GUGUS_DEMO": settings.GUGUS_DEMO}
