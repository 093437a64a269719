from django.urls import path

from gugus.ops.views import ready

app_name = "ops"
urlpatterns = [path("ready/", ready, name="ready")]
