from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("upwork/", include("django_upwork.urls")),
    path("", include("jobs.urls")),
]
