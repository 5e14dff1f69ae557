"""The portal's URLs plus the hello-world view that the HTTP benchmark compares every page with."""

from django.http import HttpResponse
from django.urls import path

from smartcity.urls import urlpatterns as portal


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), *portal]
