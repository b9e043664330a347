from django.urls import path

from .views import coordinators, public

urlpatterns = [
    path("grant-sites/", public.site_list, name="site_list"),
    path("grant-sites/<slug:slug>/", public.site_detail, name="site_detail"),
    # A site's coordinators and their invitations (issue 8).
    path(
        "portal/sites/<slug:slug>/coordinators/",
        coordinators.site_coordinators,
        name="site_coordinators",
    ),
    path(
        "portal/sites/<slug:slug>/coordinators/invitations/<int:pk>/revoke/",
        coordinators.site_coordinator_invitation_revoke,
        name="site_coordinator_invitation_revoke",
    ),
]
