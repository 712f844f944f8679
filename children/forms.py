from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from accounts.models import User
from core.forms import date_field

from .models import IROAllocation, MissingEpisode, ShortBreakAgreement


class AllocationForm(forms.Form):
    iro = forms.ModelChoiceField(
        queryset=User.objects.filter(role=User.Role.IRO, is_active=True).order_by("first_name", "last_name"),
        label="New IRO",
        error_messages={"required": "Select the new IRO"},
    )
    start_on = date_field("Date the new IRO takes over")
    reason = forms.ChoiceField(
        choices=IROAllocation.Reason.choices,
        widget=forms.RadioSelect,
        label="Why is the IRO changing?",
        error_messages={"required": "Select why the IRO is changing"},
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Note (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("iro"),
            Field("start_on"),
            Field.radios("reason", legend_size=Size.SMALL),
            Field.textarea("note"),
            Submit("submit", "Change IRO"),
        )


class MissingEpisodeForm(forms.Form):
    kind = forms.ChoiceField(
        choices=MissingEpisode.Kind.choices,
        widget=forms.RadioSelect,
        label="Was the child missing, or away from placement without authorisation?",
        error_messages={"required": "Select whether the child was missing or away without authorisation"},
    )
    start_on = date_field("Date the child went missing or away")
    end_on = date_field(
        "Date the child came back",
        required=False,
        help_text="Leave this blank if the child has not come back yet. For example, 27 3 2026",
    )

    def __init__(self, *args, submit_label: str = "Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL),
            Field("start_on"),
            Field("end_on"),
            Submit("submit", submit_label),
        )

    @classmethod
    def initial_from(cls, missing: MissingEpisode) -> dict:
        return {"kind": missing.kind, "start_on": missing.start_on, "end_on": missing.end_on}


class ShortBreakAgreementForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ShortBreakAgreement.Kind.choices,
        widget=forms.RadioSelect,
        label="What are you recording about the short-break agreement?",
        error_messages={"required": "Select whether the agreement began or ended"},
    )
    on = date_field(
        "Date",
        help_text="The day the agreement ended, or began before the first short break recorded. For example, 27 3 2026",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Note (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL),
            Field("on"),
            Field.textarea("note"),
            Submit("submit", "Record the date"),
        )
