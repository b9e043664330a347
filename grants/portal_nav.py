"""The portal's side navigation. Each app registers its own links (in its AppConfig.ready)
with the role that sees them, so the base template never names another app's URLs."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PortalLink:
    label: str
    url_name: str
    visible: Callable
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_LINKS: list[PortalLink] = []


def register_portal_link(label: str, url_name: str, visible: Callable, order: int = 100) -> None:
    """Show ``label`` in the portal's side navigation to users for whom ``visible(user)``."""
    if any(link.url_name == url_name for link in _LINKS):
        return
    _LINKS.append(PortalLink(label, url_name, visible, order))
    _LINKS.sort(key=lambda link: (link.order, link.label))


def portal_links(user) -> list[PortalLink]:
    if not user.is_authenticated:
        return []
    return [link for link in _LINKS if link.visible(user)]
