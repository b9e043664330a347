from django import forms

_WIDGET_CLASSES = (
    (forms.CheckboxSelectMultiple, "usa-checkbox__input"),
    (forms.RadioSelect, "usa-radio__input"),
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.ClearableFileInput, "usa-file-input"),
    (forms.Textarea, "usa-textarea"),
    (forms.Select, "usa-select"),
    (forms.SelectMultiple, "usa-select"),
    (forms.widgets.Input, "usa-input"),
)


class DesignSystemForm(forms.Form):
    """A form whose widgets carry the design system's classes, so templates can render
    it with ``{{ form }}`` and fields with errors are marked for assistive technology."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self):
        """Give each widget its class; forms that add fields later call this again."""
        for field in self.fields.values():
            for widget_class, css in _WIDGET_CLASSES:
                if isinstance(field.widget, widget_class):
                    field.widget.attrs.setdefault("class", css)
                    break

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            # Radio and checkbox inputs are drawn by the design system; their group shows it.
            if widget is not None and not isinstance(
                widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput
            ):
                widget.attrs["aria-invalid"] = "true"
                if "usa-input--error" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} usa-input--error"


class DollarField(forms.DecimalField):
    """Dollars and cents as people type them: "$4,000.50" and "4000.5" both work."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        # A text box rather than a number input, so "$" and "," survive as typed.
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("$", "").replace(",", "").strip()
        return super().to_python(value)
