"""Read a page's forms as a browser would submit them (standard library only): for the form posting
to an address, the values of its fields, hidden ones included (the version a page carries)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and (a.get("type") not in ("checkbox", "radio") or "checked" in a):
            self._form["fields"].setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self._form["fields"].setdefault(self._select, []).append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._form["fields"].setdefault(self._textarea or "", []).append("")

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms(html: str, action: str) -> list[dict[str, list[str]]]:
    parser = _Forms()
    parser.feed(html)
    return [f["fields"] for f in parser.forms if f["action"] == action]


def field(html: str, action: str, name: str) -> str:
    """The first value of `name` in the first form posting to `action`."""
    found = forms(html, action)
    assert found, f"no form posts to {action}"
    return found[0][name][0]
