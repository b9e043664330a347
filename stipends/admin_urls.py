"""URLs and the menu of finance's stipend tools in the Wagtail admin."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import Menu

from grants.admin_menu import RoleMenuItem, RoleSubmenuMenuItem
from grants.roles import is_finance

from . import admin_views as views

urlpatterns = [
    path("stipends/", views.ledger, name="stipends_admin_ledger"),
    path("stipends/requests/", views.requests_queue, name="stipends_admin_requests"),
    path("stipends/<int:pk>/decide/", views.stipend_decide, name="stipends_admin_decide"),
    path(
        "stipends/<int:pk>/reapprove/",
        views.stipend_reapprove_view,
        name="stipends_admin_reapprove",
    ),
    path("stipends/pay/", views.payable, name="stipends_admin_payable"),
    path("stipends/<int:pk>/manual-payment/", views.manual_payment, name="stipends_admin_manual"),
    path("stipends/batches/", views.batches, name="stipends_admin_batches"),
    path("stipends/batches/<int:pk>/", views.batch_detail, name="stipends_admin_batch"),
    path("stipends/payees/", views.payees, name="stipends_admin_payees"),
    path("stipends/sites/<int:pk>/", views.site_rules, name="stipends_admin_site"),
]


def stipend_menu_item():
    items = [
        ("Requests", "stipends_admin_requests", 1),
        ("Pay", "stipends_admin_payable", 2),
        ("Batches", "stipends_admin_batches", 3),
        ("Ledger", "stipends_admin_ledger", 4),
        ("Payees", "stipends_admin_payees", 5),
    ]
    menu = Menu(
        items=[
            RoleMenuItem(
                _(label),
                reverse(name),
                name=name,
                icon_name="list-ul",
                order=order,
                shown_to=is_finance,
            )
            for label, name, order in items
        ]
    )
    return RoleSubmenuMenuItem(
        _("Stipends"), menu, icon_name="pick", order=400, name="stipends", shown_to=is_finance
    )
