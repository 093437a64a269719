"""The person API: the same actions and scoped selectors as the pages."""

import datetime as dt

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gugus.cases import actions, selectors
from gugus.cases.identification import IdentificationAnswers
from gugus.cases.models import (
    Case,
    Identification,
    Participant,
    ParticipantRole,
    Person,
    PersonIdentifier,
    Sex,
    StageEntry,
    TraffickingEvent,
)
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


# --- cases ----------------------------------------------------------------------------------------------------

class ParticipantSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = Participant
        fields = ["id", "person", "person_name", "role", "trafficking_status", "status_decided_by",
                  "relationship_to_trafficker", "age_at_events", "is_child", "perpetrator_roles"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TraffickingEvent
        fields = ["id", "event_type", "victim", "date", "date_precision", "region", "country", "city",
                  "methods_of_control", "exploitation_types", "industry", "recruitment_method",
                  "recruitment_platform", "url"]
        read_only_fields = fields


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageEntry
        fields = ["id", "stage", "date", "document_number", "note"]
        read_only_fields = fields


class IdentificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Identification
        fields = ["id", "victim", "outcome", "result", "rules_version", "child_rule", "assessed_at"]
        read_only_fields = fields


class CaseListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "reference", "kind", "reported_on", "police_report_number", "status", "current_stage",
                  "has_child_victim", "exploitation_types", "scope_code", "owner_agency", "version"]
        read_only_fields = fields


class CaseSerializer(CaseListSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    stages = StageSerializer(many=True, read_only=True)
    identifications = IdentificationSerializer(many=True, read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "summary", "other_reference", "participants", "events",
                  "stages", "identifications"]
        read_only_fields = fields


class CaseWriteSerializer(serializers.Serializer):
    reported_on = serializers.DateField()
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    police_report_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=80)
    other_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=80)
    status = serializers.CharField(required=False, default="Active")
    intake_key = serializers.CharField(required=False, allow_null=True, default=None, max_length=64,
                                       help_text="Send the same key again to get the same case back (retries).")


class StageWriteSerializer(serializers.Serializer):
    stage = serializers.CharField()
    date = serializers.DateField()
    document_number = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ParticipantWriteSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    role = serializers.ChoiceField(choices=ParticipantRole.choices)
    trafficking_status = serializers.CharField(required=False, allow_blank=True, default="")
    perpetrator_roles = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class IdentificationWriteSerializer(serializers.Serializer):
    answers = serializers.DictField(help_text="IdentificationAnswers fields: process, means, purpose, "
                                              "ilo_indicators, movement, age_at_events, non_procedural, …")
    victim = serializers.IntegerField(required=False, allow_null=True, default=None)
    child_rule = serializers.CharField(required=False, allow_null=True, default=None)


class CaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Cases in the caller's scope. Filters: region, status, stage, exploitation_type, reported_from,
    reported_to, child (true/false), q."""

    permission_classes = [HasCapability]
    capability_map = {"list": "person.view", "retrieve": "person.view", "create": "person.create",
                      "stage": "process.edit", "participant": "person.edit", "identify": "person.edit"}
    queryset = Case.objects.none()
    serializer_class = CaseListSerializer

    def get_queryset(self):
        p = self.request.query_params
        child = {"true": True, "false": False}.get(p.get("child", ""))
        filters = selectors.CaseFilters(
            region=p.get("region", ""), status=p.get("status", ""), stage=p.get("stage", ""),
            exploitation_type=p.get("exploitation_type", ""), child=child, q=p.get("q", ""),
            reported_from=_iso_date(p.get("reported_from")), reported_to=_iso_date(p.get("reported_to")))
        return selectors.filter_cases(self.request.user, filters)

    @extend_schema(responses=CaseSerializer)
    def retrieve(self, request, pk=None):
        return Response(CaseSerializer(selectors.get_case(request.user, pk)).data)

    @extend_schema(request=CaseWriteSerializer, responses={201: CaseSerializer})
    def create(self, request):
        data = CaseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = actions.create_case(actor=request.user, **data.validated_data)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StageWriteSerializer, responses={201: StageSerializer})
    @action(detail=True, methods=["post"])
    def stage(self, request, pk=None):
        data = StageWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            case = selectors.get_case(request.user, pk, purpose="edit_view")
            entry = actions.record_stage(actor=request.user, case=case, **data.validated_data)
        return Response(StageSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ParticipantWriteSerializer, responses={201: ParticipantSerializer})
    @action(detail=True, methods=["post"])
    def participant(self, request, pk=None):
        data = ParticipantWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        with transaction.atomic():
            case = selectors.get_case(request.user, pk, purpose="edit_view")
            person = selectors.get_person(request.user, values.pop("person"), purpose="link")
            row = actions.add_participant(actor=request.user, case=case, person=person, **values)
        return Response(ParticipantSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IdentificationWriteSerializer, responses={201: IdentificationSerializer})
    @action(detail=True, methods=["post"])
    def identify(self, request, pk=None):
        data = IdentificationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with transaction.atomic():
            case = selectors.get_case(request.user, pk, purpose="edit_view")
            victim = case.participants.filter(pk=values["victim"], role="victim").first() if values["victim"] else None
            if values["victim"] and victim is None:
                raise serializers.ValidationError({"victim": ["Not a victim of this case."]})
            try:
                answers = IdentificationAnswers.from_dict(values["answers"])
            except (TypeError, ValueError) as exc:
                raise serializers.ValidationError({"answers": [str(exc)]}) from None
            row = actions.assess_identification(actor=request.user, case=case, answers=answers, victim=victim,
                                                child_rule=values["child_rule"])
        return Response(IdentificationSerializer(row).data, status=status.HTTP_201_CREATED)


def _iso_date(value):
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise serializers.ValidationError({"date": [f"Not a YYYY-MM-DD date: {value}"]}) from None
