from django.shortcuts import render

from grants.selectors.applications import applications_for_dashboard, rfps_open_now
from grants.selectors.portal import sites_for_coordinator


def portal_home(request):
    """The signed-in user's starting page: their applications, sites and tasks."""
    user = request.user
    return render(
        request,
        "portal/home.html",
        {
            "applications": applications_for_dashboard(user),
            "open_rfps": rfps_open_now(),
            "sites": sites_for_coordinator(user),
            "organizations": user.organizations.all(),
        },
    )
