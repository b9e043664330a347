from django.urls import path

from . import views

urlpatterns = [
    path("stipends/", views.stipend_sites, name="stipend_sites"),
    path("stipends/sites/<slug:slug>/", views.site_stipends, name="site_stipends"),
    path(
        "stipends/sites/<slug:slug>/request/",
        views.site_stipends_submit,
        name="site_stipends_submit",
    ),
    path(
        "stipends/sites/<slug:slug>/payees/<int:participant_id>/invite/",
        views.payee_invite_view,
        name="payee_invite",
    ),
    path("stipends/onboarding/done/", views.payee_onboarding_done, name="payee_onboarding_done"),
    path("stipends/onboarding/<str:token>/", views.payee_onboarding, name="payee_onboarding"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
