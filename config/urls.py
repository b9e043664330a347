from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import urls as cms_urls
from grants import urls as grants_urls
from sites import urls as sites_urls
from stipends import urls as stipends_urls

# Wagtail's public views know nothing of LoginRequiredMiddleware; the ones that must be
# public are opted out here, explicitly. The admin keeps the middleware's redirect to
# the one sign-in page, and checks its own permissions after that.
PUBLIC_WAGTAIL_VIEWS = {"wagtail_serve", "wagtaildocs_serve"}


def _public(patterns):
    for pattern in patterns:
        if getattr(pattern, "name", None) in PUBLIC_WAGTAIL_VIEWS:
            login_not_required(pattern.callback)
    return patterns


urlpatterns = [
    # One sign-in page for everyone, with throttling and the second factor.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    # Review and decision screens check each object themselves (404 when refused).
    path("admin/reviewing/", include("grants.review_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(_public(list(wagtaildocs_urls.urlpatterns)))),
    path("", include(grants_urls)),
    path("", include(sites_urls)),
    path("", include(stipends_urls)),
    path("", include(cms_urls)),
    re_path(r"^((?:[\w\-]+/)*)$", login_not_required(wagtail_views.serve), name="wagtail_serve"),
]

if settings.DEBUG:
    # Public media (Wagtail images) in development; in production the web server serves
    # MEDIA_ROOT. Private files live elsewhere and are never served by path.
    from django.views.static import serve as static_serve

    urlpatterns.insert(
        0,
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            login_not_required(static_serve),
            {"document_root": settings.MEDIA_ROOT},
        ),
    )
