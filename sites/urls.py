from django.urls import path

from .views import public

urlpatterns = [
    path("grant-sites/", public.site_list, name="site_list"),
    path("grant-sites/<slug:slug>/", public.site_detail, name="site_detail"),
]
