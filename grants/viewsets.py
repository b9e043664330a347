"""Staff screens of the grants app in the Wagtail admin. Registered in cms/wagtail_hooks.py."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.admin.views.generic.models import DeleteView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_views import FormulaSafeIndexView
from .forms.reviews import RubricCriterionForm
from .models import District, LetterTemplate, Organization, Program, RubricCriterion
from .permissions import can_change_rubric


class ProgramViewSet(ModelViewSet):
    model = Program
    icon = "calendar"
    menu_label = _("Programs")
    list_display = ["name", "period_label", "award_amount", "budget", "clock_hours", "status"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    form_fields = [
        "name",
        "slug",
        "period_label",
        "starts_on",
        "ends_on",
        "award_amount",
        "budget",
        "clock_hours",
        "max_attempts",
        "report_due_on",
        "content_areas",
    ]
    inspect_view_enabled = True
    copy_view_enabled = False


class OrganizationViewSet(ModelViewSet):
    model = Organization
    icon = "group"
    menu_label = _("Organizations")
    list_display = ["legal_name", "org_type", "district", "city"]
    list_filter = ["org_type"]
    search_fields = ["legal_name", "city"]
    form_fields = ["legal_name", "org_type", "district", "street", "city", "state", "postal_code"]
    inspect_view_enabled = True
    copy_view_enabled = False


class DistrictViewSet(ModelViewSet):
    model = District
    icon = "site"
    menu_label = _("District directory")
    list_display = ["name", "kind", "code", "seat"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    form_fields = ["name", "kind", "code", "seat"]
    list_per_page = 50
    copy_view_enabled = False
    list_export = ["name", "kind", "code", "seat"]
    index_view_class = FormulaSafeIndexView
    export_filename = "district-directory"


class RubricCriterionDeleteView(DeleteView):
    """Deleting a criterion is refused, like any change, once scoring has started."""

    def form_valid(self, form):
        access = can_change_rubric(self.object.rfp_id)
        if not access:
            messages.error(self.request, access.reason)
            return redirect(self.edit_url_name, self.object.pk)
        return super().form_valid(form)


class RubricCriterionViewSet(ModelViewSet):
    """Each RFP's rubric: criteria scored 1 to 5, with guidance for reviewers. The form
    and the delete view refuse changes once reviewers have started scoring."""

    model = RubricCriterion
    icon = "list-ol"
    menu_label = _("Rubric criteria")
    list_display = ["title", "rfp", "position"]
    list_filter = ["rfp"]
    search_fields = ["title"]
    form_fields = ["rfp", "title", "guidance", "position"]
    delete_view_class = RubricCriterionDeleteView
    copy_view_enabled = False
    ordering = ["rfp", "position", "id"]

    def get_form_class(self, for_update=False):
        return RubricCriterionForm


class LetterTemplateViewSet(SnippetViewSet):
    """The wording of the award, honorary and decline letters (Snippets > Letter templates)."""

    model = LetterTemplate
    icon = "mail"
    menu_label = _("Letter templates")
    list_display = ["kind", "subject", "signatory_name", "updated_at"]
    copy_view_enabled = False
    panels = [
        FieldPanel("kind"),
        FieldPanel("subject"),
        HelpPanel(
            content=(
                "<p>The letter lists the amount, grant period, clock hours, report due date "
                "and payment schedule itself. In the text you may write {organization}, "
                "{program}, {amount}, {period}, {clock_hours} and {report_due}.</p>"
            )
        ),
        FieldPanel("opening"),
        FieldPanel("reporting_duties"),
        FieldPanel("closing"),
        FieldPanel("signatory_name"),
        FieldPanel("signatory_title"),
    ]


class GrantsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Grants")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (ProgramViewSet, OrganizationViewSet, DistrictViewSet, RubricCriterionViewSet)
