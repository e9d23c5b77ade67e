"""Template tags for Bairn's Scottish Government Design System components.

    {% load bairn_components %}
    {% error_summary form %}
    {% field form.email %}
    {% field form.concern_type hint="Choose the closest match" classes="ds_input--fixed-20" %}

`{% field %}` renders `web/components/field.html` for one bound field, choosing the
SG DS markup by the field's widget: text inputs, textarea, select, radios, checkboxes and
a single checkbox. It keeps the widget's own attributes (autocomplete, maxlength, inputmode,
required, …) and ties the label, hint and error message to the control with `for`, `id`
and `aria-describedby`. Radios and checkboxes whose form field has `choice_hints`
(`form.fields["x"].choice_hints = {value: "hint text"}`) show a hint under each choice.
Other widgets (file inputs, multi-widgets) get a label, hint and errors around Django's
own rendering.

Templates never contain inline script or style (Content Security Policy).
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.forms.widgets import ChoiceWidget, Input

register = template.Library()

TAG_COLOURS = frozenset(
    {"grey", "green", "teal", "darkblue", "blue", "purple", "pink", "red", "orange", "yellow"}
)


def _tokens(*parts: object) -> str:
    """Join space-separated tokens (class names, ids), skipping empty ones and repeats."""
    seen: list[str] = []
    for part in parts:
        for name in str(part or "").split():
            if name not in seen:
                seen.append(name)
    return " ".join(seen)


def _kind(widget: forms.Widget) -> str:
    """Which SG DS control renders this widget."""
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "other"
    if isinstance(widget, Input):
        return "input"
    return "other"


def _text(value: object) -> str:
    # "" or None from a template (an unset variable) means "not given".
    return "" if value is None else str(value)


def field_context(
    bound_field: BoundField, hint: str | None = None, classes: str | None = None
) -> dict[str, Any]:
    """Everything `web/components/field.html` needs, worked out once in Python."""
    if not isinstance(bound_field, BoundField):
        raise template.TemplateSyntaxError(
            f"{{% field %}} needs a bound form field, not {type(bound_field).__name__}"
        )
    widget = bound_field.field.widget
    kind = _kind(widget)
    # The id the label points at (a group's fieldset for radios and checkboxes).
    base_id = widget.attrs.get("id") or bound_field.auto_id or ""
    control_id = bound_field.id_for_label or base_id
    hint_text = _text(hint) or _text(bound_field.help_text)
    errors = list(bound_field.errors)
    hint_id = f"{control_id}_hint" if hint_text and control_id else ""
    error_id = f"{control_id}_error" if errors and control_id else ""
    extra_classes = _text(classes)

    ui: dict[str, Any] = {
        "kind": kind,
        "id": control_id,
        "name": bound_field.html_name,
        "label": bound_field.label,
        "optional": not bound_field.field.required,
        "hint": hint_text,
        "hint_id": hint_id,
        "errors": errors,
        "error_id": error_id,
        "describedby": " ".join(i for i in (hint_id, error_id) if i),
        "classes": extra_classes,
        "control": None,
        "options": [],
        "character_count": False,
    }

    if kind == "hidden":
        ui["control"] = bound_field.as_widget()
        return ui

    if kind in ("radios", "checkboxes"):
        ui["options"] = _options(bound_field, base_id, kind)
        return ui

    own_describedby = widget.attrs.get("aria-describedby", "")
    attrs: dict[str, Any] = {}
    describedby = _tokens(own_describedby, hint_id, error_id)
    if describedby:
        attrs["aria-describedby"] = describedby
    if errors:
        attrs["aria-invalid"] = "true"
    own_class = widget.attrs.get("class", "")
    if kind in ("input", "textarea"):
        attrs["class"] = _tokens("ds_input", errors and "ds_input--error", own_class, extra_classes)
        ui["character_count"] = kind == "textarea" and bool(widget.attrs.get("maxlength"))
    elif kind == "select":
        ui["multiple"] = isinstance(widget, forms.SelectMultiple)
        # A single select's classes go on its wrapper (in the template).
        attrs["class"] = _tokens(
            "ds_select",
            errors and "ds_select--error",
            own_class,
            extra_classes if ui["multiple"] else "",
        )
    elif kind == "checkbox":
        attrs["class"] = _tokens("ds_checkbox__input", own_class)
    ui["control"] = bound_field.as_widget(attrs=attrs)
    return ui


def _options(bound_field: BoundField, base_id: str, kind: str) -> list[dict[str, Any]]:
    """One dict per radio or checkbox: id, label, hint and the input's attributes."""
    widget = bound_field.field.widget
    assert isinstance(widget, ChoiceWidget)
    attrs = bound_field.build_widget_attrs({}, widget)
    # The fieldset carries the description; aria-invalid does not belong on a radio.
    attrs.pop("aria-invalid", None)
    attrs.pop("aria-describedby", None)
    if base_id:
        attrs["id"] = base_id
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)
    hints = {
        str(k): str(v) for k, v in (getattr(bound_field.field, "choice_hints", None) or {}).items()
    }
    input_class = "ds_checkbox__input" if kind == "checkboxes" else "ds_radio__input"
    options = []
    for _group, choices, _index in context["widget"]["optgroups"]:
        for choice in choices:
            option_attrs = dict(choice["attrs"])
            option_id = option_attrs.get("id", "")
            hint = hints.get(str(choice["value"]), "")
            hint_id = f"{option_id}_hint" if hint and option_id else ""
            option_attrs["class"] = _tokens(input_class, option_attrs.get("class"))
            if hint_id:
                option_attrs["aria-describedby"] = hint_id
            option_attrs["type"] = choice["type"]
            option_attrs["name"] = choice["name"]
            if choice["value"] is not None:
                option_attrs["value"] = str(choice["value"])
            options.append(
                {
                    "id": option_id,
                    "label": choice["label"],
                    "hint": hint,
                    "hint_id": hint_id,
                    "selected": choice["selected"],
                    "attrs": flatatt(option_attrs),
                }
            )
    return options


@register.inclusion_tag("web/components/field.html")
def field(
    bound_field: BoundField, hint: str | None = None, classes: str | None = None
) -> dict[str, Any]:
    """`{% field form.x %}`, `{% field form.x hint="…" classes="…" %}`.

    `classes` go on the control: the input or textarea (`ds_input--fixed-10`), the select's
    wrapper, the group of radios or checkboxes (`ds_field-group--inline`) or the single
    checkbox (`ds_checkbox--small`)."""
    return {"field": bound_field, "ui": field_context(bound_field, hint=hint, classes=classes)}


@register.inclusion_tag("web/components/error_summary.html")
def error_summary(form: forms.BaseForm, title: str = "There is a problem") -> dict[str, Any]:
    """`{% error_summary form %}`: nothing when the form has no errors."""
    return {"form": form, "title": title}


@register.filter
def tag_colour(colour: object) -> str:
    """The modifier class of a known SG DS tag colour, or "" for the default tag."""
    name = str(colour or "").strip().lower()
    return f"ds_tag--{name}" if name in TAG_COLOURS else ""


@register.filter
def anchor(bound_field: BoundField) -> str:
    """The id an error summary links to: the control, or a group's fieldset."""
    widget = bound_field.field.widget
    return str(bound_field.id_for_label or widget.attrs.get("id") or bound_field.auto_id or "")
