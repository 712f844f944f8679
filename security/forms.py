from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
    )

    def __init__(self, *args, label: str, help_text: str, submit_label: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = label
        self.fields["code"].help_text = help_text
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's own form also carries "next"
        self.helper.layout = Layout(Field.text("code", field_width=10), Submit("submit", submit_label))

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())
