"""A URLconf that includes the admin but not django_upwork.urls, as a misconfigured site has."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
