from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from accounts.models import User
from core.forms import date_field

from .models import LateReason, ParticipationCode

YES_NO = [("yes", "Yes"), ("no", "No")]


class ReviewForm(forms.Form):
    held_on = date_field("Date the review was held")
    chair = forms.ModelChoiceField(
        queryset=User.objects.filter(role=User.Role.IRO, is_active=True).order_by("first_name", "last_name"),
        label="IRO who chaired the review",
        error_messages={"required": "Select the IRO who chaired the review"},
    )
    participation = forms.ChoiceField(
        choices=ParticipationCode.choices,
        widget=forms.RadioSelect,
        label="How did the child take part?",
        help_text="PN0 is for a child under 4 on the date of the review; PN1 to PN7 for a child aged 4 or over.",
        error_messages={"required": "Select how the child took part in the review"},
    )
    late_reason = forms.ChoiceField(
        choices=LateReason.choices,
        widget=forms.RadioSelect,
        required=False,
        label="If the review was held after its due date, why was it late?",
        help_text="Leave this blank if the review was held on or before its due date.",
    )
    spoke_alone = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
        label="Did you speak to the child alone before the review?",
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False, label="Summary of the review")
    decisions_sent_on = date_field(
        "Date the decisions were sent out", required=False, help_text="Due within 5 working days."
    )
    record_sent_on = date_field(
        "Date the full record was sent out", required=False, help_text="Due within 15 working days."
    )

    def __init__(self, *args, submit_label: str = "Save review", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("held_on"),
            Field.select("chair"),
            Field.radios("participation", legend_size=Size.MEDIUM),
            Field.radios("late_reason", legend_size=Size.SMALL),
            Field.radios("spoke_alone", legend_size=Size.SMALL, inline=True),
            Field.textarea("summary"),
            Field("decisions_sent_on"),
            Field("record_sent_on"),
            Submit("submit", submit_label),
        )

    @classmethod
    def initial_from(cls, review) -> dict:
        initial = {field: getattr(review, field) for field in cls.base_fields}
        initial["chair"] = review.chair_id
        initial["spoke_alone"] = {True: "yes", False: "no"}.get(review.spoke_alone)
        return initial


class MeetingForm(forms.Form):
    planned_on = date_field("Meeting date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("planned_on"), Submit("submit", "Book meeting"))


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why was the meeting cancelled?",
        error_messages={"required": "Enter why the meeting was cancelled"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason"), Submit("submit", "Cancel meeting", css_class="govuk-button--warning")
        )
