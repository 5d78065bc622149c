from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("jobs/<str:job>/", views.detail, name="detail"),
]
