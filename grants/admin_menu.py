"""Admin menu entries shown only to the holders of a role. Hiding an entry is a courtesy:
every view behind one checks the role (and the object) again."""

from wagtail.admin.menu import MenuItem, SubmenuMenuItem


class RoleMenuItem(MenuItem):
    """A menu item shown to the people ``shown_to(user)`` accepts."""

    def __init__(self, *args, shown_to, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request):
        return self.shown_to(request.user)


class RoleSubmenuMenuItem(SubmenuMenuItem):
    """A submenu shown to the people ``shown_to(user)`` accepts."""

    def __init__(self, *args, shown_to, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request):
        return self.shown_to(request.user)
