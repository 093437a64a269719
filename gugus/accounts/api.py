from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from gugus.accounts import actions, selectors
from gugus.accounts.models import Agency, User
from gugus.accounts.roles import Role
from gugus.core.api_views import HasCapability


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "kind", "level", "region", "country", "active"]


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """All active agencies (names are not sensitive: any may receive a referral)."""

    serializer_class = AgencySerializer

    def get_queryset(self):
        return selectors.all_agencies()


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "agency", "role", "is_active"]
        read_only_fields = ["id"]


class UserCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    role = serializers.ChoiceField(choices=Role.choices)
    first_name = serializers.CharField(required=False, default="", allow_blank=True)
    last_name = serializers.CharField(required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    """Users an administrator manages (their region subtree)."""

    permission_classes = [HasCapability]
    required_capability = "user.manage"

    def get_queryset(self):
        return selectors.users_manageable_by(self.request.user)

    def get_serializer_class(self):
        return UserCreateSerializer if self.action == "create" else UserSerializer

    def create(self, request, *args, **kwargs):
        serializer = UserCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = actions.create_user(actor=request.user, **serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)
