from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets

from gugus.regions.models import Country, Region
from gugus.regions.selectors import children


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent", "active"]


class CountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "alpha3", "name_en", "name_id"]


@extend_schema(parameters=[OpenApiParameter("parent", str, description="Children of this code; none: provinces")])
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Kemendagri regions. Lists the children of ``?parent=`` (provinces when absent)."""

    serializer_class = RegionSerializer
    lookup_value_regex = r"[0-9.]+"

    def get_queryset(self):
        if self.action == "list":
            return children(self.request.query_params.get("parent"))
        return Region.objects.all()


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CountrySerializer
    queryset = Country.objects.all()
    pagination_class = None
