"""django-q2 tasks of the cms app. Each takes IDs and calls one service."""

from cms.convening.services import packet_build as _packet_build


def packet_build(packet_id: int) -> bool:
    """Build a requested convening packet at most once (see the service)."""
    return _packet_build(packet_id=packet_id)
