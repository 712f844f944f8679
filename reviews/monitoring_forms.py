from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from core.forms import date_field

from .models import CaseNote, MidwayCheck, PartyRole

SUMMARY_MAX_LENGTH = 5000


class CaseNoteForm(forms.Form):
    contact_on = date_field("Date of the contact")
    contact_with = forms.ChoiceField(
        choices=PartyRole.choices,
        widget=forms.RadioSelect,
        label="Who was the contact with?",
        error_messages={"required": "Select who the contact was with"},
    )
    contact_name = forms.CharField(
        label="Their name (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "Their name must be 200 characters or fewer (it has %(show_value)d)"},
    )
    method = forms.ChoiceField(
        choices=CaseNote.Method.choices,
        widget=forms.RadioSelect,
        label="How?",
        error_messages={"required": "Select how the contact was made"},
    )
    summary = forms.CharField(
        label="Summary",
        help_text="What was discussed, what you found and what happens next.",
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter a summary of the contact",
            "max_length": f"The summary must be {SUMMARY_MAX_LENGTH:,} characters or fewer (it has %(show_value)d)",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("contact_on"),
            Field.radios("contact_with", legend_size=Size.SMALL),
            Field.text("contact_name"),
            Field.radios("method", legend_size=Size.SMALL),
            Field.textarea("summary"),
            Submit("submit", "Save case note"),
        )


class MidwayCheckForm(forms.Form):
    checked_on = date_field("Date of the check")
    actions_on_track = forms.ChoiceField(
        choices=MidwayCheck.OnTrack.choices,
        widget=forms.RadioSelect,
        label="Are the actions of the last review on track?",
        error_messages={"required": "Select whether the actions of the last review are on track"},
    )
    concerns = forms.CharField(
        label="Concerns",
        required=False,
        help_text="Required if some actions are not on track or the concerns are to be escalated.",
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": f"The concerns must be {SUMMARY_MAX_LENGTH:,} characters or fewer (it has %(show_value)d)"
        },
    )
    escalate = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Do the concerns need escalating?",
        help_text="If yes, you raise the escalation next.",
        error_messages={"required": "Select whether the concerns need escalating"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("checked_on"),
            Field.radios("actions_on_track", legend_size=Size.SMALL),
            Field.textarea("concerns"),
            Field.radios("escalate", legend_size=Size.SMALL, inline=True),
            Submit("submit", "Save midway check"),
        )
