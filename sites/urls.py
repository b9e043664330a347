from django.urls import path

from . import views

urlpatterns = [
    path("grant-sites/", views.site_list, name="site_list"),
    path("grant-sites/<slug:slug>/", views.site_detail, name="site_detail"),
]
