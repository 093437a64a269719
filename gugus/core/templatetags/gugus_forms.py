"""Renders a form widget tied to its help text and errors, so screen readers announce them."""

from django import template

register = template.Library()


@register.simple_tag
def widget(field):
    described_by = []
    if field.help_text:
        described_by.append(f"{field.id_for_label}_help")
    if field.errors:
        described_by.append(f"{field.id_for_label}_error")
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required and field.widget_type != "checkbox":
        attrs["required"] = True
    return field.as_widget(attrs=attrs)
