from datetime import date
from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms

from accounts.models import StaffProfile, User

from .services import NARRATIVE_FIELDS

PARAGRAPHS_HINT = "Leave a blank line between paragraphs. Start a line with “- ” to make a bulleted list."


class ReportTextForm(forms.Form):
    """A year's service budget and the narrative sections of its annual report."""

    budget = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        label="Service budget (£)",
        help_text="Professional and administrative costs for the year, for the unit cost per review. "
        "Leave it empty if it is not known.",
        error_messages={
            "invalid": "Enter the budget as an amount of money, such as 460000 or 460000.00",
            "min_value": "The budget cannot be less than £0",
            "max_digits": "The budget must be less than £10,000,000,000",
            "max_decimal_places": "Enter the budget to the nearest penny",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )
    introduction = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), required=False, label="Introduction", help_text=PARAGRAPHS_HINT
    )
    priorities = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        label="Priorities for the coming year",
        help_text=PARAGRAPHS_HINT,
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False, label="Summary", help_text=PARAGRAPHS_HINT
    )

    def __init__(self, *args, year_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].label = f"Service budget for {year_label} (£)"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("budget", field_width=10),
            *(Field.textarea(name) for name in NARRATIVE_FIELDS),
            Submit("submit", "Save"),
        )

    def narrative(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in NARRATIVE_FIELDS}


class SessionalWorkForm(forms.Form):
    """Which sessional IRO's work, for which month."""

    iro = forms.ModelChoiceField(
        queryset=User.objects.filter(
            role=User.Role.IRO, staff_profile__employment=StaffProfile.Employment.SESSIONAL
        ).order_by("first_name", "last_name", "pk"),
        label="Sessional IRO",
        empty_label="Choose an IRO",
        error_messages={"required": "Choose a sessional IRO", "invalid_choice": "Choose a sessional IRO"},
    )
    month = forms.CharField(
        label="Month",
        help_text="The year and month, for example 2014-05",
        max_length=7,
        error_messages={"required": "Enter the month, for example 2014-05"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(Field.select("iro"), Field.text("month", field_width=10), Submit("show", "Show"))

    def clean_month(self) -> date:
        value = self.cleaned_data["month"].strip()
        try:
            year, month = (int(part) for part in value.split("-"))
            return date(year, month, 1)
        except ValueError:
            raise forms.ValidationError("Enter the month as the year and month, for example 2014-05") from None
