from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Every portal form renders through the design system's field markup."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"
