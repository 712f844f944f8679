from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils import timezone

from core.forms import date_field

from .codes import STAGE_ORDER, Stage, Theme
from .services import NOTE_MAX_LENGTH, SUMMARY_MAX_LENGTH, response_working_days


def today_by_default(form: forms.Form, field: str) -> None:
    """Most steps are recorded the day they happen: the date starts as today, to change if not."""
    form.initial.setdefault(field, timezone.localdate())


def stage_choices(stages) -> list[Choice]:
    """Radios for DRP stages, each with the time its response is due in."""
    choices = []
    for code in stages:
        days = response_working_days(code)
        choices.append(
            Choice(code, Stage(code).label, hint=f"Response due within {days} working day{'s' if days != 1 else ''}")
        )
    return choices


def _text(label: str, *, required_message: str, limit: int, rows: int = 5, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be {limit:,} characters or fewer (it has %(show_value)d)",
        },
    )


def _sent_to(label: str, required_message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text="For example, Sam Patel, team manager, Looked After Children team 2",
        max_length=200,
        error_messages={
            "required": required_message,
            "max_length": "Who it went to must be 200 characters or fewer (it has %(show_value)d)",
        },
    )


class RaiseForm(forms.Form):
    raised_on = date_field("Date the concern was raised")
    theme = forms.ChoiceField(
        choices=Theme.choices,
        widget=forms.RadioSelect,
        label="What is the concern about?",
        error_messages={"required": "Select the theme of the concern"},
    )
    summary = _text(
        "Summary of the concern",
        required_message="Enter a summary of the concern",
        limit=SUMMARY_MAX_LENGTH,
        help_text="What is wrong, what you have asked for and by when.",
    )
    stage = forms.ChoiceField(
        choices=stage_choices(STAGE_ORDER),
        widget=forms.RadioSelect,
        initial=Stage.INFORMAL,
        label="Who did you raise it with first?",
        help_text="Usually informally with the social work team. You can go straight to a later stage of the "
        "dispute resolution process, or refer to Cafcass.",
        error_messages={"required": "Select who the concern was raised with first"},
    )
    sent_to = _sent_to(
        "Name and role of the person you raised it with",
        "Enter the name and role of the person the concern was raised with",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, so a change to the stage deadlines in settings shows without a restart.
        self.fields["stage"].choices = stage_choices(STAGE_ORDER)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("raised_on"),
            Field.radios("theme", legend_size=Size.SMALL),
            Field.textarea("summary"),
            Field.radios("stage", legend_size=Size.SMALL),
            Field.text("sent_to"),
            Submit("submit", "Raise escalation"),
        )


class StageForm(forms.Form):
    """Taking the concern to a later stage of the DRP (`stages` are those it can go to), or, with no
    stages given, referring it to Cafcass."""

    stage = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Which stage is the concern going to?",
        help_text="You can skip stages.",
        error_messages={"required": "Select the stage to take the concern to"},
    )
    sent_to = _sent_to("Name and role of the person it went to", "Enter the name and role of the person it went to")
    asked = _text(
        "What are you asking them to do?",
        required_message="Enter what you are asking them to do",
        limit=NOTE_MAX_LENGTH,
        rows=4,
        help_text="For example, agree the permanence plan at the next panel, by a date.",
    )
    sent_on = date_field("Date it was sent")

    def __init__(self, *args, stages: list[str] | None, **kwargs):
        super().__init__(*args, **kwargs)
        today_by_default(self, "sent_on")
        self.helper = FormHelper()
        if stages is None:
            del self.fields["stage"]
            self.fields["sent_to"] = _sent_to(
                "Who at Cafcass was it referred to?", "Enter who at Cafcass the concern was referred to"
            )
            self.fields["sent_to"].help_text = "The officer's name, or the team"
            self.fields["sent_on"] = date_field("Date of the referral")
            self.helper.layout = Layout(
                Field.text("sent_to"), Field.textarea("asked"), Field("sent_on"), Submit("submit", "Refer to Cafcass")
            )
            today_by_default(self, "sent_on")
        else:
            self.fields["stage"].choices = stage_choices(stages)
            self.helper.layout = Layout(
                Field.radios("stage", legend_size=Size.SMALL),
                Field.text("sent_to"),
                Field.textarea("asked"),
                Field("sent_on"),
                Submit("submit", "Escalate"),
            )


class ResponseForm(forms.Form):
    response = _text("The response", required_message="Enter the response", limit=NOTE_MAX_LENGTH)
    responded_on = date_field("Date of the response")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today_by_default(self, "responded_on")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("response"), Field("responded_on"), Submit("submit", "Record response")
        )


class ResolveForm(forms.Form):
    outcome = _text(
        "Outcome",
        required_message="Enter the outcome",
        limit=NOTE_MAX_LENGTH,
        help_text="What was agreed or done to resolve the concern.",
    )
    resolved_on = date_field("Date it was resolved")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today_by_default(self, "resolved_on")
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.textarea("outcome"), Field("resolved_on"), Submit("submit", "Resolve"))


class WithdrawForm(forms.Form):
    reason = _text(
        "Why is the escalation being withdrawn?",
        required_message="Enter why the escalation is being withdrawn",
        limit=NOTE_MAX_LENGTH,
        rows=3,
    )
    withdrawn_on = date_field("Date it was withdrawn")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today_by_default(self, "withdrawn_on")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason"),
            Field("withdrawn_on"),
            Submit("submit", "Withdraw escalation", css_class="govuk-button--warning"),
        )
