from django.http import HttpResponse
from django.urls import path

# Placeholder so that services can link to a petition; replaced by the petition screens.


def petition_detail(request, pk: int) -> HttpResponse:
    return HttpResponse(status=404)


urlpatterns: list = [path("petitions/<int:pk>/", petition_detail, name="petition_detail")]
