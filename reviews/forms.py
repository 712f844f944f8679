from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from accounts.models import User
from core.forms import date_field

from .models import (
    LateReason,
    Meeting,
    ParticipationCode,
    PartyRole,
    PermanencePlan,
    PermanenceProgress,
    PlanMeetsNeeds,
    ReviewAction,
    ReviewViews,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


def _chair() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=User.objects.filter(role=User.Role.IRO, is_active=True).order_by("first_name", "last_name"),
        label="IRO who chaired the review",
        empty_label="Select the IRO",
        error_messages={"required": "Select the IRO who chaired the review"},
    )


def _late_reason_detail() -> forms.CharField:
    return forms.CharField(
        label="If other, why was it late?", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def ask_late_reason_only_if_late(form: forms.Form, *, due_on, held_by) -> None:
    """The late-reason question is for reviews held after their due date: it is left out where the
    review cannot be late (held, or to be held, by `held_by`, on or before `due_on`), and names the due
    date otherwise."""
    if due_on is None or (held_by is not None and held_by <= due_on):
        del form.fields["late_reason"], form.fields["late_reason_detail"]
        return
    form.fields[
        "late_reason"
    ].label = f"The review was due on {due_on:%-d %B %Y}. If it was held after then, why was it late?"


class ReviewForm(forms.Form):
    held_on = date_field("Date the review was held")
    chair = _chair()
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
    late_reason_detail = _late_reason_detail()
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
        "Date the decisions were sent out", required=False, help_text="Due within 5 working days of the review."
    )
    record_sent_on = date_field(
        "Date the full record was sent out", required=False, help_text="Due within 15 working days of the review."
    )

    def __init__(self, *args, submit_label: str = "Save review", review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None and review.is_held:
            # Editing a review held: its deadlines are known dates, and whether it was late.
            ask_late_reason_only_if_late(
                self, due_on=review.due_on, held_by=None if review.held_late else review.held_on
            )
            for field, due in (
                ("decisions_sent_on", review.decisions_due_on),
                ("record_sent_on", review.record_due_on),
            ):
                self.fields[field].help_text = f"Due by {due:%-d %B %Y}. For example, 27 3 2026"
        late = [Field.radios("late_reason", legend_size=Size.SMALL), Field.textarea("late_reason_detail")]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("held_on"),
            Field.select("chair"),
            Field.radios("participation", legend_size=Size.MEDIUM),
            *(late if "late_reason" in self.fields else []),
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
    starts_at = forms.TimeField(
        required=False,
        label="Start time",
        help_text="For example, 14:30",
        input_formats=["%H:%M", "%H.%M"],
        error_messages={"invalid": "Enter the start time as hours and minutes, like 14:30"},
    )
    venue = forms.CharField(max_length=200, required=False, label="Venue")
    mode = forms.ChoiceField(
        choices=Meeting.Mode.choices,
        widget=forms.RadioSelect,
        required=False,
        label="How will people take part?",
        error_messages={"required": "Select how people will take part in the meeting"},
    )
    expected_late_reason = forms.ChoiceField(
        choices=LateReason.choices,
        widget=forms.RadioSelect,
        required=False,
        label="If the meeting is after the review's due date, why will the review be late?",
        help_text="Leave this blank if the meeting is on or before the due date.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("planned_on"),
            Field.text("starts_at", field_width=5),
            Field.text("venue"),
            Field.radios("mode", legend_size=Size.SMALL),
            Field.radios("expected_late_reason", legend_size=Size.SMALL),
            Submit("submit", "Book meeting"),
        )


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


def _helper(*fields, submit: str | None = "Save and continue") -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, *([Submit("submit", submit)] if submit else []))
    return helper


def _yes_no(label: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
        label=label,
        **kwargs,
    )


def _text(label: str, *, required: bool = False, rows: int = 5, **kwargs) -> forms.CharField:
    messages = {"required": f"Enter {label[0].lower()}{label[1:]}"}
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": rows}), required=required, label=label, error_messages=messages, **kwargs
    )


def _choice(choices, label: str, *, required: bool = True, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        label=label,
        error_messages={"required": f"Select {label[0].lower()}{label[1:].rstrip('?')}"},
        **kwargs,
    )


# --- Preparing the review ---


class PreparationForm(forms.Form):
    advocate_offered = _yes_no("Was the child offered an advocate?")
    advocate_used = _yes_no("Did the child use an advocate?")
    report_shared_on = date_field(
        "Date the social worker's report was shared with the child and family", required=False
    )

    def __init__(self, *args, report_due: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if report_due:
            self.fields["report_shared_on"].help_text = f"Due by {report_due}, 3 working days before the meeting."
        self.helper = _helper(
            Field.radios("advocate_offered", legend_size=Size.SMALL, inline=True),
            Field.radios("advocate_used", legend_size=Size.SMALL, inline=True),
            Field("report_shared_on"),
            submit="Save",
        )

    @classmethod
    def initial_from(cls, review) -> dict:
        yes_no = {True: "yes", False: "no"}
        return {
            "advocate_offered": yes_no.get(review.advocate_offered),
            "advocate_used": yes_no.get(review.advocate_used),
            "report_shared_on": review.report_shared_on,
        }


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(
        choices=[("", "Select a role"), *PartyRole.choices],
        label="Role",
        error_messages={"required": "Select the person's role"},
    )
    name = forms.CharField(max_length=200, label="Name", error_messages={"required": "Enter the person's name"})
    invited = forms.BooleanField(required=False, label="Invited")
    attended = forms.BooleanField(required=False, label="Attended")
    sent_views = forms.BooleanField(required=False, label="Sent their views")
    sent_report = forms.BooleanField(required=False, label="Sent a report")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.select("role"),
            Field.text("name"),
            Fieldset(
                Field.checkbox("invited"),
                Field.checkbox("attended"),
                Field.checkbox("sent_views"),
                Field.checkbox("sent_report"),
                legend="Taking part",
                legend_size=Size.SMALL,
            ),
            submit="Add person",
        )


class ViewsForm(forms.Form):
    role = forms.ChoiceField(
        choices=[("", "Select whose views"), *PartyRole.choices],
        label="Whose views",
        error_messages={"required": "Select whose views these are"},
    )
    name = forms.CharField(max_length=200, required=False, label="Name (optional)")
    method = _choice(ReviewViews.Method.choices, "How were they given?")
    gathered_on = date_field("Date given")
    text = _text("What they said", required=True, rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.select("role"),
            Field.text("name"),
            Field.radios("method", legend_size=Size.SMALL),
            Field("gathered_on"),
            Field.textarea("text"),
            submit="Add views",
        )


# --- Recording the review: one form per page of the journey ---


class HeldPage(forms.Form):
    held_on = date_field("Date the review was held")
    chair = _chair()
    participation = ReviewForm.base_fields["participation"]
    spoke_alone = _yes_no("Did you see the child alone before the review?")
    late_reason = ReviewForm.base_fields["late_reason"]
    late_reason_detail = _late_reason_detail()

    def __init__(self, *args, due_on=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A review held by today, when it is due today or later, cannot be late.
        if due_on is not None:
            ask_late_reason_only_if_late(self, due_on=due_on, held_by=today)
        late = [Field.radios("late_reason", legend_size=Size.SMALL), Field.textarea("late_reason_detail")]
        self.helper = _helper(
            Field("held_on"),
            Field.select("chair"),
            Field.radios("participation", legend_size=Size.MEDIUM),
            Field.radios("spoke_alone", legend_size=Size.SMALL, inline=True),
            *(late if "late_reason" in self.fields else []),
        )


class ChildPage(forms.Form):
    wishes_and_feelings = _text("The child's wishes and feelings", required=True, rows=6)
    family_time = _text("Family time and contact", rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("wishes_and_feelings"), Field.textarea("family_time"))


class PlanPage(forms.Form):
    care_plan = _text(
        "The care plan", required=True, help_text="What the plan is and what has changed since the last review."
    )
    permanence_plan = _choice(PermanencePlan.choices, "Permanence plan")
    permanence_target_on = date_field("Target date for the permanence plan", required=False)
    permanence_progress = _choice(PermanenceProgress.choices, "Is the permanence plan on track?")
    plan_meets_needs = _choice(PlanMeetsNeeds.choices, "Does the plan meet the child's needs?")
    plan_meets_needs_why = _text(
        "Why", required=True, rows=4, help_text="Your judgement as the IRO, in a few sentences."
    )
    summary = _text("Summary of the review", rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_meets_needs_why"].error_messages["required"] = (
            "Enter why the plan does or does not meet the child's needs"
        )
        self.helper = _helper(
            Field.textarea("care_plan"),
            Field.radios("permanence_plan", legend_size=Size.SMALL),
            Field("permanence_target_on"),
            Field.radios("permanence_progress", legend_size=Size.SMALL, inline=True),
            Field.radios("plan_meets_needs", legend_size=Size.MEDIUM, inline=True),
            Field.textarea("plan_meets_needs_why"),
            Field.textarea("summary"),
        )


class HealthPage(forms.Form):
    health_assessment_on = date_field("Date of the last health assessment", required=False)
    dental_check_on = date_field("Date of the last dental check", required=False)
    pep_on = date_field("Date of the last personal education plan (PEP)", required=False)
    pep_reviewed = _yes_no("Was the PEP reviewed at this review?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("health_assessment_on"),
            Field("dental_check_on"),
            Field("pep_on"),
            Field.radios("pep_reviewed", legend_size=Size.SMALL, inline=True),
        )


class ActionForm(forms.Form):
    what = _text("What is to be done", required=True, rows=3)
    responsible_role = forms.ChoiceField(
        choices=[("", "Select a role"), *PartyRole.choices],
        label="Who is responsible",
        error_messages={"required": "Select who is responsible"},
    )
    responsible_name = forms.CharField(max_length=200, required=False, label="Their name")
    due_on = date_field("Due by")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("what"),
            Field.select("responsible_role"),
            Field.text("responsible_name"),
            Field("due_on"),
            submit="Add action",
        )

    def clean(self):
        data = super().clean()
        if data.get("responsible_role") not in ("", None, "iro", "child") and not data.get("responsible_name"):
            self.add_error("responsible_name", "Enter the name of the person responsible")
        return data


class OutcomesPage(forms.Form):
    """The open actions of earlier reviews: what became of each one."""

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        layout = []
        for action in self.actions:
            key = f"action_{action.pk}"
            self.fields[f"{key}_status"] = _choice(
                ReviewAction.Status.choices,
                f"What became of: {action.what}",
                help_text=f"{action.responsible}; due by {action.due_on:%-d %B %Y}.",
            )
            self.fields[f"{key}_status"].error_messages["required"] = (
                f"Select what became of the action “{action.what[:60]}”"
            )
            self.fields[f"{key}_outcome"] = _text(f"Outcome of “{action.what[:60]}”", rows=2)
            layout += [Field.radios(f"{key}_status", legend_size=Size.SMALL), Field.textarea(f"{key}_outcome")]
        self.helper = _helper(*layout)

    def clean(self):
        data = super().clean()
        for action in self.actions:
            key = f"action_{action.pk}"
            status = data.get(f"{key}_status")
            if status and status != ReviewAction.Status.OPEN and not data.get(f"{key}_outcome", "").strip():
                self.add_error(f"{key}_outcome", f"Enter the outcome of the action “{action.what[:60]}”")
        return data

    def outcomes(self) -> dict[int, dict]:
        return {
            action.pk: {
                "status": self.cleaned_data[f"action_{action.pk}_status"],
                "outcome": self.cleaned_data[f"action_{action.pk}_outcome"],
            }
            for action in self.actions
        }


class ActionUpdateForm(forms.Form):
    status = _choice(ReviewAction.Status.choices, "What became of the action?")
    outcome = _text("Outcome", rows=3)
    outcome_on = date_field("Date of the outcome", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("status", legend_size=Size.MEDIUM),
            Field.textarea("outcome"),
            Field("outcome_on"),
            submit="Save",
        )

    @classmethod
    def initial_from(cls, action) -> dict:
        return {"status": action.status, "outcome": action.outcome, "outcome_on": action.outcome_on}


class DocumentSentForm(forms.Form):
    sent_on = date_field("Date sent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("sent_on"), submit="Mark as sent")
