"""Review and decision screens, served inside the admin's address space (/admin/reviewing/)
but outside Wagtail's own access wrapper, so that every refused object is a 404."""

from django.urls import path

from grants.views import reviewing

app_name = "reviewing"

urlpatterns = [
    path("", reviewing.my_reviews, name="my_reviews"),
    path("reviews/<int:pk>/", reviewing.review_detail, name="review"),
    path("applications/", reviewing.staff_applications, name="staff_applications"),
    path("applications/<uuid:public_id>/", reviewing.staff_application, name="staff_application"),
    path("applications/<uuid:public_id>/assign/", reviewing.staff_assign, name="assign"),
    path(
        "applications/<uuid:public_id>/reviews/<int:pk>/unassign/",
        reviewing.staff_unassign,
        name="unassign",
    ),
    path("applications/<uuid:public_id>/comment/", reviewing.staff_comment, name="comment"),
    path("applications/<uuid:public_id>/decide/", reviewing.staff_decide, name="decide"),
    path("applications/<uuid:public_id>/reverse/", reviewing.staff_reverse, name="reverse"),
    path("comments/<int:pk>/edit/", reviewing.staff_comment_change, name="comment_edit"),
    path("letters/<int:pk>/", reviewing.letter_download, name="letter"),
    path("dashboard/", reviewing.dashboard, name="dashboard"),
    path("installments/", reviewing.installments, name="installments"),
    path(
        "installments/<int:pk>/release/",
        reviewing.installment_release_view,
        name="installment_release",
    ),
    path("installments/<int:pk>/pay/", reviewing.installment_pay_view, name="installment_pay"),
]
