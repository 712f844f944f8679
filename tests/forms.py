"""Reading a page's form as a browser would send it: every named input, textarea and select with the
value the page gives it (checked radios and boxes only, the selected option)."""

from html.parser import HTMLParser

from django.urls import reverse


class _FormReader(HTMLParser):
    def __init__(self, action: str | None):
        super().__init__(convert_charrefs=True)
        self.action, self.forms, self._form = action, [], None
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._form = {"action": attrs.get("action", ""), "fields": {}, "names": []}
            return
        if self._form is None or not attrs.get("name"):
            if tag == "option" and self._select and "selected" in attrs:
                self._form["fields"][self._select] = attrs.get("value", "")
            return
        name = attrs["name"]
        if name not in self._form["names"]:
            self._form["names"].append(name)
        fields = self._form["fields"]
        if tag == "input" and attrs.get("type") not in ("radio", "checkbox", "submit", "file"):
            fields[name] = attrs.get("value", "")
        elif tag == "input" and attrs.get("type") in ("radio", "checkbox") and "checked" in attrs:
            fields[name] = attrs.get("value", "on")
        elif tag == "textarea":
            self._textarea, fields[name] = name, ""
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            # As a browser does, the newline that opens a textarea is not part of its value.
            fields = self._form["fields"]
            fields[self._textarea] = fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def post_forms(html: str) -> list[dict]:
    """Each POST form of the page: {"action", "fields" (name -> value), "names" (every field's name)}."""
    reader = _FormReader(None)
    reader.feed(html)
    return reader.forms


def form_data(html: str) -> dict:
    """The values of the page's main form (the last POST form, after the header's sign-out)."""
    forms = [f for f in post_forms(html) if f["action"] != reverse("logout")]
    assert forms, "the page has no form"
    return dict(forms[-1]["fields"])
