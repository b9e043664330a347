from django.shortcuts import render

from grants.selectors.portal import applications_for_member, sites_for_coordinator


def portal_home(request):
    """The signed-in user's starting page: their applications, sites and tasks."""
    user = request.user
    return render(
        request,
        "portal/home.html",
        {
            "applications": applications_for_member(user),
            "sites": sites_for_coordinator(user),
            "organizations": user.organizations.all(),
        },
    )
