from django.contrib.auth import views as auth_views
from django.urls import path

from .views import accounts, application_steps, applications, organizations, portal, registration

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="account_login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="account_logout"),
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/two-factor/", accounts.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", accounts.two_factor_setup, name="two_factor_setup"),
    path(
        "accounts/invitations/<str:token>/",
        accounts.invitation_accept_view,
        name="invitation_accept",
    ),
    path("portal/", portal.portal_home, name="portal_home"),
    # Registration and email confirmation.
    path("accounts/register/", registration.register, name="account_register"),
    path("accounts/register/sent/", registration.register_sent, name="account_register_sent"),
    path("accounts/verify-email/resend/", registration.resend, name="email_verification_resend"),
    path("accounts/verify-email/<str:token>/", registration.verify, name="email_verify"),
    # Organizations.
    path("portal/organizations/", organizations.organization_list, name="organization_list"),
    path("portal/organizations/new/", organizations.organization_new, name="organization_new"),
    path("portal/organizations/join/", organizations.organization_join, name="organization_join"),
    path(
        "portal/organizations/requests/<int:pk>/cancel/",
        organizations.membership_request_withdraw,
        name="membership_request_cancel",
    ),
    path(
        "portal/organizations/<slug:slug>/",
        organizations.organization_detail,
        name="organization_detail",
    ),
    path(
        "portal/organizations/<slug:slug>/edit/",
        organizations.organization_edit,
        name="organization_edit",
    ),
    path(
        "portal/organizations/<slug:slug>/ask-to-join/",
        organizations.membership_request_new,
        name="membership_request_new",
    ),
    path(
        "portal/organizations/<slug:slug>/invite/",
        organizations.organization_invite,
        name="organization_invite",
    ),
    path(
        "portal/organizations/<slug:slug>/invitations/<int:pk>/revoke/",
        organizations.organization_invitation_revoke,
        name="organization_invitation_revoke",
    ),
    path(
        "portal/organizations/<slug:slug>/requests/<int:pk>/<str:answer>/",
        organizations.membership_request_answer,
        name="membership_request_answer",
    ),
    # Applications.
    path(
        "portal/rfps/<int:rfp_id>/apply/", applications.application_start, name="application_start"
    ),
    path(
        "portal/applications/<uuid:public_id>/",
        applications.application_detail,
        name="application_detail",
    ),
    path(
        "portal/applications/<uuid:public_id>/steps/<slug:step>/",
        application_steps.application_step,
        name="application_step",
    ),
    path(
        "portal/applications/<uuid:public_id>/withdraw/",
        applications.application_withdraw_view,
        name="application_withdraw",
    ),
    path(
        "portal/applications/<uuid:public_id>/application.pdf",
        applications.application_pdf,
        name="application_pdf",
    ),
    path(
        "portal/applications/<uuid:public_id>/attachments/<int:pk>/",
        applications.application_attachment,
        name="application_attachment",
    ),
    path(
        "portal/applications/<uuid:public_id>/attachments/<int:pk>/remove/",
        application_steps.application_attachment_delete,
        name="application_attachment_remove",
    ),
]
