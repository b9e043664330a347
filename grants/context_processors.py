from django.utils.functional import SimpleLazyObject

from .roles import Role, has_role


def _nav(user):
    if not user.is_authenticated:
        return {}
    return {
        "staff": has_role(user, Role.PROGRAM_STAFF) or has_role(user, Role.FINANCE),
        "reviewer": has_role(user, Role.REVIEWER),
        "coordinator": has_role(user, Role.SITE_COORDINATOR),
        "applicant": has_role(user, Role.APPLICANT),
    }


def portal(request):
    """Which portal sections the signed-in user has, computed only if a template asks."""
    from .portal_nav import portal_links

    user = getattr(request, "user", None)
    if user is None:
        return {"nav": {}, "portal_links": []}
    return {
        "nav": SimpleLazyObject(lambda: _nav(user)),
        "portal_links": SimpleLazyObject(lambda: portal_links(user)),
    }
