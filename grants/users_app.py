"""wagtail.users, with this project's role rules in its user admin (grants.user_admin)."""

from wagtail.users.apps import WagtailUsersAppConfig


class PilotUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "grants.user_admin.PilotUserViewSet"
