from datetime import date

import pytest


@pytest.fixture
def make_convening(program, staff):
    """A published ConveningPage for ``program``, made by the service, with ``capacity``
    places (the page's default when None)."""
    from cms.services import convening_page_create

    def make(*, capacity=None, intro="<p>Come.</p>"):
        page = convening_page_create(
            program=program,
            title="Policy convening",
            slug="policy-convening",
            event_date=date(2027, 10, 14),
            place="Tacoma",
            intro=intro,
            actor=staff,
        )
        if capacity is not None:
            page.capacity = capacity
            page.save()
        return page

    return make
