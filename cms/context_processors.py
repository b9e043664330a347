from django.utils.functional import SimpleLazyObject


def _rfp_index_url():
    from .models import RfpIndexPage

    page = RfpIndexPage.objects.live().first()
    return page.url if page else ""


def site_navigation(request):
    """Links the base template needs to Wagtail pages, looked up only when rendered."""
    return {"rfp_index_url": SimpleLazyObject(_rfp_index_url)}
