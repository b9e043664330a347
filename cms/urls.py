from django.urls import path

from . import views

urlpatterns = [
    path("convenings/<int:pk>/register/", views.convening_register, name="convening_register"),
    path("convenings/<int:pk>/cancel/", views.convening_cancel, name="convening_cancel"),
    path(
        "convenings/<int:pk>/site-stories.<str:file_format>",
        views.convening_stories_export,
        name="convening_stories_export",
    ),
    path(
        "convenings/sessions/<int:pk>/input/",
        views.session_input,
        name="convening_session_input",
    ),
]
