"""The person API: the same actions and scoped selectors as the pages."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from gugus.cases import actions, selectors
from gugus.cases.models import Person, PersonIdentifier, Sex
from gugus.core.api_views import HasCapability


class IdentifierSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonIdentifier
        fields = ["kind", "value"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    identifiers = IdentifierSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "sex", "birth_date", "estimated_age", "nationality", "origin_region",
                  "identifiers", "scope_code", "owner_agency", "created_at", "updated_at", "version"]
        read_only_fields = fields


class PersonListSerializer(serializers.ModelSerializer):
    """Lists carry no identifiers; read one person for those (and that read is logged)."""

    class Meta:
        model = Person
        fields = ["id", "full_name", "sex", "birth_date", "origin_region", "scope_code", "owner_agency", "version"]
        read_only_fields = fields


class PersonWriteSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    nationality = serializers.CharField(max_length=2, required=False, allow_blank=True)
    origin_region = serializers.CharField(max_length=13, required=False, allow_blank=True)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120)
    nik = serializers.CharField(max_length=32, required=False, allow_blank=True)
    passport = serializers.ListField(child=serializers.CharField(max_length=32), required=False)
    phone = serializers.ListField(child=serializers.CharField(max_length=32), required=False)
    bank_account = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    social_handle = serializers.ListField(child=serializers.CharField(max_length=100), required=False)


class PersonUpdateSerializer(PersonWriteSerializer):
    full_name = serializers.CharField(max_length=200, required=False)
    version = serializers.IntegerField(help_text="The version you read; a stale one gets 409 Conflict.")


class PersonViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [HasCapability]
    capability_map = {"list": "person.view", "retrieve": "person.view", "create": "person.create",
                      "partial_update": "person.edit"}
    queryset = Person.objects.none()

    def get_queryset(self):
        return selectors.search_persons(self.request.user, query=self.request.query_params.get("q", ""))

    def get_serializer_class(self):
        return PersonListSerializer

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        selectors.record_list_read(request.user, [Person(pk=row["id"]) for row in response.data["results"]])
        return response

    @extend_schema(responses=PersonSerializer)
    def retrieve(self, request, pk=None):
        return Response(PersonSerializer(selectors.get_person(request.user, pk)).data)

    @extend_schema(request=PersonWriteSerializer, responses={201: PersonSerializer})
    def create(self, request):
        data = PersonWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person, warnings = actions.create_person(actor=request.user, **data.validated_data)
        body = PersonSerializer(person).data | {"warnings": warnings}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=PersonUpdateSerializer, responses=PersonSerializer)
    def partial_update(self, request, pk=None):
        data = PersonUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version", None)
        if version is None:
            raise serializers.ValidationError({"version": ["Send the version you read."]})
        with transaction.atomic():
            person = selectors.get_person(request.user, pk, purpose="edit_view")
            person, warnings = actions.update_person(actor=request.user, person=person, expected_version=version,
                                                     **changes)
        return Response(PersonSerializer(person).data | {"warnings": warnings})
