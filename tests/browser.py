"""Fill and send HTML forms as a browser would: read the page, keep its fields, change some."""

from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def page(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def textarea_value(element: Any) -> str:
    """A textarea's value: browsers drop the one newline that may follow the opening tag."""
    text = element.text
    return text[2:] if text.startswith("\r\n") else text.removeprefix("\n")


def field_value(html: BeautifulSoup, selector: str) -> str:
    """The value a user sees in the form field that `selector` finds."""
    element = html.select_one(selector)
    assert element is not None, f"no field matches {selector!r}"
    return textarea_value(element) if element.name == "textarea" else element.get("value", "")


def form_fields(form: Any) -> dict[str, Any]:
    """Return the values the browser would send for a form as it stands (files left out)."""
    values: dict[str, Any] = {}
    for element in form.select("input[name], textarea[name], select[name]"):
        name, kind = element["name"], element.get("type", "text")
        if element.name == "textarea":
            values[name] = textarea_value(element)
        elif element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            values[name] = chosen.get("value", chosen.text) if chosen else ""
        elif kind in ("checkbox", "radio"):
            if element.has_attr("checked"):
                values[name] = element.get("value", "on")
        elif kind not in ("file", "submit", "button"):
            values[name] = element.get("value", "")
    return values


def submit_form(
    client: FlaskClient,
    url: str,
    changes: dict[str, Any],
    *,
    selector: str = "main form[method=post]",
    follow_redirects: bool = False,
) -> TestResponse:
    """Open `url`, fill the form that `selector` finds with `changes`, and send it.

    Every name in `changes` must be a field of the form, so a test fails if the form loses one.
    A value of None unticks a checkbox; a (stream, filename) tuple uploads a file.
    """
    opened = client.get(url)
    assert opened.status_code == 200, f"GET {url} answered {opened.status_code}"
    form = page(opened).select_one(selector)
    assert form is not None, f"no form matching {selector!r} on {url}"
    names = {element["name"] for element in form.select("[name]")}
    unknown = set(changes) - names
    assert not unknown, f"the form on {url} has no field named {sorted(unknown)}"
    values = form_fields(form) | changes
    values = {name: value for name, value in values.items() if value is not None}
    action = form.get("action") or url
    return client.open(action, method=form.get("method", "get").upper(), data=values, follow_redirects=follow_redirects)
