from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from .services import RESPONDENTS


class ConsultationForm(forms.Form):
    respondent = forms.ChoiceField(
        choices=RESPONDENTS,
        widget=forms.RadioSelect,
        label="Who are you asking?",
        error_messages={"required": "Select who you are asking"},
    )
    name = forms.CharField(
        max_length=200, label="Their name", error_messages={"required": "Enter the name of the person you are asking"}
    )
    email = forms.EmailField(
        label="Their email address",
        help_text="They get a personal link that works until the day of the review. It needs no account.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("respondent", legend_size=Size.MEDIUM),
            Field.text("name"),
            Field.text("email"),
            Submit("submit", "Send the link"),
        )


class AnswerForm(forms.Form):
    """One question's answer: free text, or one of the question's choices."""

    answer = forms.CharField(required=False, max_length=5000, strip=True)
