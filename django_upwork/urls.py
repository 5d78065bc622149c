"""URLs of the OAuth2 connection.

Include them with ``path("upwork/", include("django_upwork.urls"))``.
"""

from django.urls import path

from django_upwork import views

app_name = "django_upwork"

urlpatterns = [
    path("connect/", views.authorize, name="authorize"),
    path("callback/", views.callback, name="callback"),
    path("disconnect/", views.disconnect, name="disconnect"),
]
