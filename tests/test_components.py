"""The page layout and the Scottish Government Design System components
(web/base.html, web/components/*.html, bairn_components): the markup the design system
expects, labels and hints tied to their controls, errors shown and linked, and nothing a
strict Content Security Policy would block — in these templates and in every other."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.loader import get_template, render_to_string
from django.test import RequestFactory, override_settings
from django.urls import include, path
from django.utils.html import format_html

import bairn.web

pytestmark = pytest.mark.nodb

TEMPLATES = Path(bairn.web.__file__).parent / "templates"


# The URL names base.html needs, whatever state the real web URLs are in.
def _page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


urlpatterns = [
    path(
        "",
        include(
            (
                [
                    path("", _page, name="home"),
                    path("sign-out", _page, name="sign-out"),
                    path("accessibility", _page, name="accessibility"),
                    path("privacy", _page, name="privacy"),
                ],
                "web",
            )
        ),
    )
]
URLS = override_settings(ROOT_URLCONF=__name__)


# ---------------------------------------------------------------------------------------
# Reading the rendered HTML


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v if v is not None else "" for k, v in attrs}))


def elements(html: str, tag: str | None = None, **attrs: str) -> list[dict[str, str]]:
    """Start tags of `tag` whose attributes include `attrs` (class_="x" matches one class)."""
    parser = _Elements()
    parser.feed(html)
    out = []
    for name, found in parser.found:
        if tag and name != tag:
            continue
        ok = True
        for key, want in attrs.items():
            key = key.rstrip("_").replace("_", "-")
            if key == "class":
                ok = ok and want in found.get("class", "").split()
            else:
                ok = ok and found.get(key) == want
        if ok:
            out.append({"tag": name, **found})
    return out


def one(html: str, tag: str | None = None, **attrs: str) -> dict[str, str]:
    found = elements(html, tag, **attrs)
    assert len(found) == 1, (tag, attrs, found)
    return found[0]


def assert_wired(html: str) -> None:
    """Ids are unique; every label's `for`, every aria-describedby and aria-labelledby
    token, and every in-page link names an element that is there."""
    every = elements(html)
    ids = [e["id"] for e in every if e.get("id")]
    assert len(ids) == len(set(ids)), sorted(ids)
    for e in every:
        if e["tag"] == "label" and "for" in e:
            assert e["for"] in ids, e
        for attr in ("aria-describedby", "aria-labelledby", "aria-controls"):
            for token in e.get(attr, "").split():
                assert token in ids, (attr, token, e)


def render(source: str, **context: Any) -> str:
    return engines["django"].from_string("{% load bairn_components %}" + source).render(context)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# ---------------------------------------------------------------------------------------
# A form with every kind of field


class ConcernForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="We send notices here",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    nickname = forms.CharField(label="Known as", required=False)
    age = forms.IntegerField(label="Age in years", widget=forms.NumberInput())
    occurred_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    detail = forms.CharField(label="What happened", widget=forms.Textarea, max_length=2000)
    source = forms.ChoiceField(
        label="How you know",
        choices=[("", "Choose one"), ("seen", "I saw it"), ("told", "I was told")],
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=[("routine", "Routine"), ("urgent", "Urgent")],
        widget=forms.RadioSelect,
        help_text="Urgent concerns notify the Named Person now",
    )
    indicators = forms.MultipleChoiceField(
        label="Wellbeing indicators",
        choices=[("safe", "Safe"), ("healthy", "Healthy"), ("achieving", "Achieving")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    restricted = forms.BooleanField(
        label="Restrict this entry", required=False, help_text="Only you and your seniors see it"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choice_hints = {  # type: ignore[attr-defined]
            "safe": "Protected from abuse, neglect or harm",
            "healthy": "The highest standards of physical and mental health",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.data.get("nickname") == "clash":
            raise forms.ValidationError("This concern was changed by someone else")
        return data


VALID = {
    "email": "teacher@school.example",
    "age": "7",
    "occurred_on": "2025-01-02",
    "password": "x",
    "detail": "Came to school hungry",
    "source": "seen",
    "urgency": "routine",
    "indicators": ["safe"],
}


def field_html(form: forms.Form, name: str, **kwargs: str) -> str:
    extra = "".join(f' {k}="{v}"' for k, v in kwargs.items())
    return render(f"{{% field form.{name}{extra} %}}", form=form)


# ---------------------------------------------------------------------------------------
# Fields


def test_text_input_has_its_label_hint_and_own_attributes() -> None:
    html = field_html(ConcernForm(), "email")
    assert_wired(html)
    one(html, "div", class_="ds_question")
    label = one(html, "label", class_="ds_label")
    field = one(html, "input")
    assert label["for"] == field["id"] == "id_email"
    assert "ds_input" in field["class"].split()
    assert field["type"] == "email"
    assert field["autocomplete"] == "email"
    assert field["spellcheck"] == "false"
    assert "required" in field
    hint = one(html, "p", class_="ds_hint-text")
    assert field["aria-describedby"] == hint["id"]
    assert "We send notices here" in html
    assert "(optional)" not in html
    assert "aria-invalid" not in field


@pytest.mark.parametrize(
    ("name", "input_type"),
    [("nickname", "text"), ("age", "number"), ("occurred_on", "date"), ("password", "password")],
)
def test_every_text_like_widget_is_a_ds_input(name: str, input_type: str) -> None:
    html = field_html(ConcernForm(), name)
    assert_wired(html)
    field = one(html, "input")
    assert field["type"] == input_type
    assert "ds_input" in field["class"].split()
    assert one(html, "label")["for"] == field["id"] == f"id_{name}"


def test_password_keeps_its_autocomplete_and_never_echoes_the_value() -> None:
    html = field_html(ConcernForm(data={**VALID, "password": "s3cret"}), "password")
    field = one(html, "input")
    assert field["autocomplete"] == "current-password"
    assert "s3cret" not in html


def test_optional_fields_say_so_and_required_ones_have_no_marker() -> None:
    form = ConcernForm()
    assert "Known as (optional)" in text_of(field_html(form, "nickname"))
    assert "Wellbeing indicators (optional)" in text_of(field_html(form, "indicators"))
    required = field_html(form, "email")
    assert "(optional)" not in required
    assert "*" not in text_of(required)


def test_textarea() -> None:
    html = field_html(ConcernForm(), "detail")
    assert_wired(html)
    area = one(html, "textarea")
    assert "ds_input" in area["class"].split()
    assert one(html, "label")["for"] == area["id"] == "id_detail"
    assert area["maxlength"] == "2000"
    # With a maximum length, the design system counts the characters left.
    assert one(html, "div", class_="ds_question")["data-module"] == "ds-character-count"


def test_select_sits_in_the_ds_wrapper_with_its_arrow() -> None:
    html = field_html(ConcernForm(data={**VALID, "source": "told"}), "source")
    assert_wired(html)
    one(html, "div", class_="ds_select-wrapper")
    select = one(html, "select", class_="ds_select")
    assert one(html, "label")["for"] == select["id"] == "id_source"
    assert one(html, "span", class_="ds_select-arrow")["aria-hidden"] == "true"
    assert "selected" in one(html, "option", value="told")


def test_radios_are_a_fieldset_with_a_legend() -> None:
    html = field_html(ConcernForm(data={**VALID, "urgency": "urgent"}), "urgency")
    assert_wired(html)
    fieldset = one(html, "fieldset")
    assert fieldset["id"] == "id_urgency"
    assert "How urgent is it?" in html
    one(html, "legend")
    hint = one(html, "p", class_="ds_hint-text")
    assert fieldset["aria-describedby"] == hint["id"]
    one(html, "div", class_="ds_field-group")
    radios = elements(html, "input", class_="ds_radio__input")
    assert [r["value"] for r in radios] == ["routine", "urgent"]
    assert all(r["type"] == "radio" and r["name"] == "urgency" for r in radios)
    assert "checked" in radios[1]
    assert "checked" not in radios[0]
    labels = elements(html, "label", class_="ds_radio__label")
    assert [label["for"] for label in labels] == [r["id"] for r in radios]
    assert len(elements(html, "div", class_="ds_radio")) == 2


def test_checkboxes_show_a_hint_under_each_choice_that_has_one() -> None:
    html = field_html(ConcernForm(), "indicators")
    assert_wired(html)
    one(html, "fieldset")
    one(html, "legend")
    group = one(html, "div", class_="ds_checkboxes")
    assert "ds_field-group" in group["class"].split()
    boxes = elements(html, "input", class_="ds_checkbox__input")
    assert [b["id"] for b in boxes] == ["id_indicators_0", "id_indicators_1", "id_indicators_2"]
    assert all(b["type"] == "checkbox" and b["name"] == "indicators" for b in boxes)
    labels = elements(html, "label", class_="ds_checkbox__label")
    assert [label["for"] for label in labels] == [b["id"] for b in boxes]
    hints = elements(html, "p", class_="ds_hint-text")
    assert [h["id"] for h in hints] == ["id_indicators_0_hint", "id_indicators_1_hint"]
    assert boxes[0]["aria-describedby"] == "id_indicators_0_hint"
    assert boxes[1]["aria-describedby"] == "id_indicators_1_hint"
    assert "aria-describedby" not in boxes[2]
    assert "Protected from abuse, neglect or harm" in html
    assert "The highest standards of physical and mental health" in html
    # Each hint sits in its own choice, after that choice's label.
    first = html.index('for="id_indicators_0"')
    assert first < html.index("Protected from abuse") < html.index('id="id_indicators_1"')


def test_checkboxes_keep_what_was_ticked() -> None:
    html = field_html(
        ConcernForm(data={**VALID, "indicators": ["safe", "achieving"]}), "indicators"
    )
    checked = [b["value"] for b in elements(html, "input") if "checked" in b]
    assert checked == ["safe", "achieving"]


def test_a_single_checkbox() -> None:
    html = field_html(ConcernForm(data={**VALID, "restricted": "on"}), "restricted")
    assert_wired(html)
    box = one(html, "input", class_="ds_checkbox__input")
    assert box["type"] == "checkbox"
    assert "checked" in box
    assert one(html, "label", class_="ds_checkbox__label")["for"] == box["id"] == "id_restricted"
    assert box["aria-describedby"] == one(html, "p", class_="ds_hint-text")["id"]
    one(html, "div", class_="ds_checkbox")


def test_a_hidden_field_is_just_its_input() -> None:
    html = field_html(ConcernForm(initial={"version": 3}), "version").strip()
    field = one(html, "input")
    assert field["type"] == "hidden"
    assert field["value"] == "3"
    assert "<label" not in html


def test_hint_and_classes_can_be_given_in_the_template() -> None:
    html = field_html(ConcernForm(), "nickname", hint="What the child likes to be called")
    assert_wired(html)
    assert "What the child likes to be called" in html
    assert one(html, "input")["aria-describedby"] == one(html, "p", class_="ds_hint-text")["id"]

    html = field_html(ConcernForm(), "age", classes="ds_input--fixed-4")
    assert one(html, "input")["class"].split() == ["ds_input", "ds_input--fixed-4"]
    html = field_html(ConcernForm(), "source", classes="ds_input--fluid-half")
    assert "ds_input--fluid-half" in one(html, "div", class_="ds_select-wrapper")["class"]
    html = field_html(ConcernForm(), "urgency", classes="ds_field-group--inline")
    one(html, "div", class_="ds_field-group--inline")


def test_the_field_template_can_be_included_too() -> None:
    html = render(
        '{% include "web/components/field.html" with field=form.email hint="Your work address" %}',
        form=ConcernForm(),
    )
    assert_wired(html)
    assert one(html, "label")["for"] == one(html, "input")["id"] == "id_email"
    assert "Your work address" in html


def test_field_refuses_what_is_not_a_bound_field() -> None:
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        render("{% field form.nothing_here %}", form=ConcernForm())


def test_labels_and_hints_are_escaped() -> None:
    form = ConcernForm()
    form.fields["nickname"].label = "<b>Name</b>"
    form.fields["nickname"].help_text = "<i>hint</i>"
    html = field_html(form, "nickname")
    assert "&lt;b&gt;Name&lt;/b&gt;" in html
    assert "&lt;i&gt;hint&lt;/i&gt;" in html


# ---------------------------------------------------------------------------------------
# Errors


def invalid_form() -> ConcernForm:
    form = ConcernForm(data={**VALID, "email": "not-an-email", "urgency": "", "nickname": "clash"})
    assert not form.is_valid()
    return form


def test_a_field_in_error() -> None:
    html = field_html(invalid_form(), "email")
    assert_wired(html)
    one(html, "div", class_="ds_question--error")
    message = one(html, "p", class_="ds_question__error-message")
    assert message["id"] == "id_email_error"
    assert "Enter a valid email address." in html
    field = one(html, "input")
    assert field["aria-invalid"] == "true"
    assert "ds_input--error" in field["class"].split()
    hint = one(html, "p", class_="ds_hint-text")
    assert field["aria-describedby"].split() == [hint["id"], message["id"]]
    assert field["value"] == "not-an-email"


def test_a_group_in_error() -> None:
    html = field_html(invalid_form(), "urgency")
    assert_wired(html)
    one(html, "div", class_="ds_question--error")
    message = one(html, "p", class_="ds_question__error-message")
    assert "This field is required." in html
    assert message["id"] in one(html, "fieldset")["aria-describedby"].split()


def test_a_select_in_error() -> None:
    form = ConcernForm(data={**VALID, "source": ""})
    assert not form.is_valid()
    html = field_html(form, "source")
    assert_wired(html)
    select = one(html, "select")
    assert "ds_select--error" in select["class"].split()
    assert select["aria-invalid"] == "true"
    assert one(html, "p", class_="ds_question__error-message")["id"] in select["aria-describedby"]


def test_error_summary_links_every_error_to_its_field() -> None:
    form = invalid_form()
    html = render("{% error_summary form %}", form=form)
    summary = one(html, "div", class_="ds_error-summary")
    assert summary["role"] == "alert"
    assert summary["tabindex"] == "-1"
    assert "autofocus" in summary
    title = one(html, "h2", class_="ds_error-summary__title")
    assert summary["aria-labelledby"] == title["id"]
    assert "There is a problem" in html
    one(html, "ul", class_="ds_error-summary__list")
    links = [a["href"] for a in elements(html, "a")]
    assert links == ["#id_email", "#id_urgency"]
    assert "Enter a valid email address." in html
    assert "This concern was changed by someone else" in html  # a non-field error

    # Each link lands on the field on the same page.
    page = html + "".join(field_html(form, name) for name in form.fields)
    assert_wired(page)
    ids = {e["id"] for e in elements(page) if e.get("id")}
    assert {href[1:] for href in links} <= ids


def test_error_summary_by_include_and_with_a_title() -> None:
    html = render(
        '{% include "web/components/error_summary.html" with form=form title="Check this" %}',
        form=invalid_form(),
    )
    assert "Check this" in html
    assert [a["href"] for a in elements(html, "a")] == ["#id_email", "#id_urgency"]


def test_no_error_summary_without_errors() -> None:
    assert render("{% error_summary form %}", form=ConcernForm()).strip() == ""
    valid = ConcernForm(data=VALID)
    assert valid.is_valid(), valid.errors
    assert render("{% error_summary form %}", form=valid).strip() == ""


# ---------------------------------------------------------------------------------------
# The other components


def component(template_name: str, **context: Any) -> str:
    """`{% include "web/components/<template_name>.html" with … only %}`"""
    keys = " ".join(f"{key}={key}" for key in context)
    return render(
        f'{{% include "web/components/{template_name}.html" with {keys} only %}}', **context
    )


def test_button() -> None:
    html = component("button", text="Save")
    button = one(html, "button")
    assert button["type"] == "submit"
    assert button["class"] == "ds_button"
    assert text_of(html) == "Save"

    button = one(component("button", text="Back", kind="secondary", type="button"), "button")
    assert button["class"].split() == ["ds_button", "ds_button--secondary"]
    assert button["type"] == "button"

    html = component(
        "button", text="Cancel", kind="cancel", name="action", value="cancel", small=True
    )
    button = one(html, "button")
    assert button["class"].split() == ["ds_button", "ds_button--cancel", "ds_button--small"]
    assert (button["name"], button["value"]) == ("action", "cancel")


def test_notification_banner() -> None:
    html = component(
        "notification_banner", title="Saved", text="Your concern is recorded", kind="success"
    )
    banner = one(html, "div", class_="ds_notification")
    assert "ds_notification--success" in banner["class"].split()
    assert banner["data-module"] == "ds-notification"
    one(html, "div", class_="ds_notification__content")
    one(html, "div", class_="ds_notification__text")
    assert "Your concern is recorded" in html
    assert "visually-hidden" in one(html, "h2")["class"]
    assert "Saved" in html

    html = component("notification_banner", text="Something to know")
    assert "ds_notification--success" not in one(html, "div", class_="ds_notification")["class"]
    assert "Information" in html


def test_summary_list() -> None:
    rows = [
        {"key": "Date of birth", "value": "3 May 2019"},
        {"key": "Agencies", "html": format_html("<ul><li>{}</li></ul>", "School")},
        {"key": "Unsafe", "value": "<script>alert(1)</script>"},
        {"key": "Phone", "value": "0131", "actions": [{"url": "/change", "text": "Change"}]},
    ]
    html = component("summary_list", rows=rows)
    one(html, "ol", class_="ds_summary-list")
    assert len(elements(html, "li", class_="ds_summary-list__item")) == 4
    assert len(elements(html, "span", class_="ds_summary-list__key")) == 4
    assert len(elements(html, "div", class_="ds_summary-list__value")) == 4
    assert "3 May 2019" in html
    assert "<ul><li>School</li></ul>" in html
    assert "&lt;script&gt;" in html
    assert "<script>" not in html
    assert one(html, "a")["href"] == "/change"
    assert "Change Phone" in text_of(html)


@pytest.mark.parametrize("colour", ["grey", "green", "red", "orange", "yellow", "blue", "purple"])
def test_tag(colour: str) -> None:
    html = component("tag", text="Urgent", colour=colour)
    tag = one(html, "strong")
    assert tag["class"].split() == ["ds_tag", f"ds_tag--{colour}"]
    assert text_of(html) == "Urgent"


def test_tag_without_a_known_colour_is_the_plain_tag() -> None:
    assert one(component("tag", text="New"), "strong")["class"] == "ds_tag"
    assert one(component("tag", text="New", colour='x" onclick="'), "strong")["class"] == "ds_tag"


def test_inset_warning_and_details() -> None:
    html = component("inset_text", text="The Named Person is told.")
    one(html, "div", class_="ds_inset-text")
    one(html, "div", class_="ds_inset-text__text")
    assert "The Named Person is told." in html

    html = component("warning_text", text="This cannot be undone.")
    one(html, "div", class_="ds_warning-text")
    assert one(html, "strong", class_="ds_warning-text__icon")["aria-hidden"] == "true"
    assert "Warning" in text_of(html)
    assert "This cannot be undone." in html

    html = component("details", summary="Why we ask", text="The law says so.")
    details = one(html, "details", class_="ds_details")
    assert "open" not in details
    one(html, "summary", class_="ds_details__summary")
    one(html, "div", class_="ds_details__text")
    assert "Why we ask" in html
    assert "The law says so." in html


def test_page_header_and_back_link() -> None:
    html = component("page_header", label="Child's Plan", title="Review the plan")
    one(html, "header", class_="ds_page-header")
    assert "Review the plan" in one_text(html, "h1")
    one(html, "h1", class_="ds_page-header__title")
    one(html, "span", class_="ds_page-header__label")
    assert "<span" not in component("page_header", title="Home")

    html = component("back_link", url="/children")
    link = one(html, "a", class_="ds_back-link")
    assert link["href"] == "/children"
    assert text_of(html) == "Back"
    assert text_of(component("back_link", url="/", text="Back to the chronology")) == (
        "Back to the chronology"
    )


def one_text(html: str, tag: str) -> str:
    match = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)
    assert match, tag
    return text_of(match.group(1))


# ---------------------------------------------------------------------------------------
# The page layout

NAV = [
    {"label": "Home", "url": "/", "current": False},
    {"label": "Find a child", "url": "/find", "current": True},
]


def render_page(source: str = '{% extends "web/base.html" %}', **context: Any) -> str:
    request = RequestFactory().get("/find")
    context = {"request": request, "user": AnonymousUser(), "nav_items": NAV, **context}
    with URLS:
        return engines["django"].from_string(source).render(context)


def assert_no_inline_script_or_style(html: str) -> None:
    for script in elements(html, "script"):
        assert script.get("src"), script
    assert not elements(html, "style")
    assert "<style" not in html.lower()
    assert not [e for e in elements(html) if "style" in e], "style attribute"
    assert not [e for e in elements(html) if any(k.startswith("on") for k in e)], "on* handler"


def test_base_page_for_an_anonymous_request() -> None:
    html = render_page(
        '{% extends "web/base.html" %}{% block title %}Find a child{% endblock %}'
        "{% block content %}<h1>Find a child</h1>{% endblock %}"
    )
    assert_wired(html)
    assert_no_inline_script_or_style(html)
    assert one(html, "html")["lang"] == "en-GB"
    assert "<title>Find a child – Bairn</title>" in html
    assert one(html, "meta", name="viewport")["content"].startswith("width=device-width")
    config = one(html, "meta", name="htmx-config")["content"]
    assert '"includeIndicatorStyles": false' in config
    assert '"allowEval": false' in config
    sheets = [link["href"] for link in elements(html, "link", rel="stylesheet")]
    assert sheets == ["/static/vendor/sgds/design-system.min.css", "/static/web/bairn.css"]

    skip = one(html, "a", class_="ds_skip-links__link")
    assert skip["href"] == "#main-content"
    assert one(html, "main")["id"] == "main-content"
    assert "<h1>Find a child</h1>" in html

    one(html, "header", class_="ds_site-header")
    assert "Bairn" in one_text(html, "header")
    for image in elements(html, "img"):
        assert image.get("alt"), image
    one(html, "div", class_="ds_phase-banner")
    assert "Beta" in html
    assert "This is a new service" in html

    current = elements(html, "a", class_="ds_current")
    assert current
    assert all(a["href"] == "/find" and a["aria-current"] == "page" for a in current)
    assert [a["href"] for a in elements(html, "a", class_="ds_site-navigation__link")] == [
        "/",
        "/find",
    ] * 2  # the mobile menu and the bar

    assert "Sign out" not in html
    assert not elements(html, "form")

    one(html, "footer", class_="ds_site-footer")
    footer_links = {a["href"] for a in elements(html.split("<footer", 1)[1], "a")}
    assert footer_links == {"/accessibility", "/privacy"}
    assert "Accessibility" in html
    assert "Privacy" in html

    scripts = elements(html, "script")
    assert scripts[0] == {"tag": "script", "type": "module", "src": "/static/web/bairn.js"}
    assert scripts[1] == {"tag": "script", "src": "/static/vendor/htmx/htmx.min.js"}


def test_base_page_without_navigation() -> None:
    html = render_page(nav_items=[])
    assert_wired(html)
    assert not elements(html, "nav")


def test_base_page_for_a_signed_in_practitioner() -> None:
    user = SimpleNamespace(
        is_authenticated=True,
        full_name="Mrs Patel",
        agency=SimpleNamespace(name="Craigentinny Primary School"),
        get_username=lambda: "patel",
    )
    html = render_page(user=user, csrf_token="t0ken")
    assert_wired(html)
    assert_no_inline_script_or_style(html)
    assert "Mrs Patel" in html
    assert "Craigentinny Primary School" in html
    form = one(html, "form")
    assert form["method"] == "post"
    assert form["action"] == "/sign-out"
    assert one(html, "input", name="csrfmiddlewaretoken")["value"] == "t0ken"
    assert one(html, "button", type="submit")
    assert "Sign out" in one_text(html, "form")


def test_messages_are_notification_banners() -> None:
    messages = [
        Message(constants.SUCCESS, "Concern recorded"),
        Message(constants.INFO, "Draft kept"),
        Message(constants.ERROR, "<b>not bold</b>"),
    ]
    html = render_page(messages=messages)
    assert_wired(html)
    banners = elements(html, "div", class_="ds_notification")
    assert len(banners) == 3
    assert "ds_notification--success" in banners[0]["class"].split()
    assert all("ds_notification--success" not in b["class"].split() for b in banners[1:])
    assert "Concern recorded" in html
    assert "Draft kept" in html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html
    # Inside the main content, before the page's own content.
    assert html.index('id="main-content"') < html.index("Concern recorded")


def test_the_layout_warns_that_titles_carry_no_child_data() -> None:
    source = (TEMPLATES / "web" / "base.html").read_text()
    assert "{% block title %}{% endblock %} – Bairn</title>" in source
    assert re.search(r"\{#.*NEVER contains a child's name.*#\}", source)


def test_base_page_renders_through_the_template_loader() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with URLS:
        html = get_template("web/base.html").render(
            {"request": request, "user": AnonymousUser(), "nav_items": NAV}
        )
    assert "<title> – Bairn</title>" in html
    assert render_to_string("web/components/back_link.html", {"url": "/"}).strip().startswith("<a")


def test_static_files_exist() -> None:
    static = Path(bairn.web.__file__).parent / "static"
    script = (static / "web" / "bairn.js").read_text()
    assert 'import DS from "../vendor/sgds/design-system.js";' in script
    assert "DS.initAll();" in script
    assert (static / "web" / "bairn.css").is_file()
    assert (static / "vendor" / "sgds" / "design-system.js").is_file()


# ---------------------------------------------------------------------------------------
# The Content Security Policy guard, for every template

_COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_SCRIPT_JSON = re.compile(r"""\btype\s*=\s*["']application/json["']""", re.I)
_HANDLER = re.compile(r"""(?:^|\s)(on[a-z]+|hx-on[:\w-]*)\s*=""", re.I)
_STYLE_ATTR = re.compile(r"""(?:^|\s)style\s*=""", re.I)
_JS_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.I)


def csp_problems(source: str) -> list[str]:
    """What a strict CSP (script-src/style-src 'self' + nonce) would block, or what could
    only work by weakening it."""
    problems = []
    source = _COMMENTS.sub("", source)
    for match in _TAG.finditer(source):
        name, attrs = match.group(1).lower(), match.group(2)
        if (
            name == "script"
            and not re.search(r"\bsrc\s*=", attrs)
            and not _SCRIPT_JSON.search(attrs)
        ):
            problems.append(f"inline <script>: {match.group(0)}")
        if name == "style":
            problems.append(f"inline <style>: {match.group(0)}")
        if _HANDLER.search(attrs):
            problems.append(f"event handler attribute: {match.group(0)}")
        if _STYLE_ATTR.search(attrs):
            problems.append(f"style attribute: {match.group(0)}")
        if _JS_URL.search(attrs):
            problems.append(f"javascript: URL: {match.group(0)}")
    return problems


def test_the_csp_guard_finds_what_it_should() -> None:
    assert csp_problems("<script>alert(1)</script>")
    assert csp_problems('<script type="text/javascript">x()</script>')
    assert csp_problems('<button onclick="go()">Go</button>')
    assert csp_problems('<a href="#" ONMOUSEOVER="x()">x</a>')
    assert csp_problems('<div hx-on:click="x()"></div>')
    assert csp_problems('<p style="color: red">x</p>')
    assert csp_problems("<style>p { color: red }</style>")
    assert csp_problems('<a href="javascript:void(0)">x</a>')
    assert not csp_problems('<script src="/static/web/bairn.js"></script>')
    assert not csp_problems('<script type="module" src="/static/web/bairn.js"></script>')
    assert not csp_problems('<script type="application/json" id="data">{"a": 1}</script>')
    assert not csp_problems('<div class="stylish" data-online="yes">Information on styles</div>')
    assert not csp_problems('{# <p style="x"> #}{% comment %}<script>x</script>{% endcomment %}')


def all_templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.is_file() and p.suffix in {".html", ".txt"})


def test_no_template_has_inline_script_style_or_handlers() -> None:
    templates = all_templates()
    assert TEMPLATES / "web" / "base.html" in templates
    problems = {
        str(path.relative_to(TEMPLATES)): found
        for path in templates
        if (found := csp_problems(path.read_text(encoding="utf-8")))
    }
    assert problems == {}
