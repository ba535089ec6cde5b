from django.urls import path

from danvan.territories import views

app_name = "territories"

urlpatterns = [
    path("", views.territory_list, name="list"),
    path("<int:pk>/", views.territory_detail, name="detail"),
]
