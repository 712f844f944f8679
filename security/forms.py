from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from accounts.models import StaffProfile


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


class IROCreateForm(forms.Form):
    username = forms.CharField(max_length=150, error_messages={"required": "Enter a username"})
    first_name = forms.CharField(max_length=150, error_messages={"required": "Enter the first name"})
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter the last name"})
    email = forms.EmailField(
        label="Email address",
        help_text="The IRO is sent a link to this address to choose their password.",
        error_messages={
            "required": "Enter the email address",
            "invalid": "Enter an email address like name@example.org",
        },
    )
    employment = forms.ChoiceField(
        choices=StaffProfile.Employment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the IRO is permanent or sessional"},
    )
    fte = forms.DecimalField(
        label="FTE",
        min_value=Decimal("0.01"),
        max_value=1,
        decimal_places=2,
        help_text="Full-time equivalent, from 0.01 to 1.00.",
        error_messages={
            "required": "Enter the FTE",
            "min_value": "FTE must be 0.01 or more",
            "max_value": "FTE must be 1.00 or less",
            "invalid": "Enter the FTE as a number such as 0.8",
        },
    )
    gender = forms.ChoiceField(choices=StaffProfile.Gender.choices, widget=forms.RadioSelect, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width=20),
            Field.text("first_name", field_width=20),
            Field.text("last_name", field_width=20),
            Field.text("email"),
            Field.radios("employment", legend_size=Size.SMALL),
            Field.text("fte", field_width=4),
            Field.radios("gender", legend_size=Size.SMALL),
            Submit("submit", "Create account"),
        )

    def clean_gender(self):
        return self.cleaned_data["gender"] or StaffProfile.Gender.NOT_STATED
