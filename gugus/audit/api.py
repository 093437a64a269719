from rest_framework import serializers, viewsets

from gugus.audit.models import AuditEvent
from gugus.audit.selectors import events_visible_to
from gugus.core.api_views import HasCapability


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["seq", "at", "actor_id", "actor_name", "agency_id", "action", "object_type", "object_id", "ip",
                  "reason", "break_glass", "data", "hash"]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log (auditors only). Filter with ?actor_name=, ?object_type=, ?object_id=."""

    serializer_class = AuditEventSerializer
    permission_classes = [HasCapability]
    required_capability = "audit.view"

    def get_queryset(self):
        qs = events_visible_to(self.request.user)
        params = self.request.query_params
        for field in ("actor_name", "object_type", "object_id"):
            if params.get(field):
                qs = qs.filter(**{field: params[field]})
        return qs
