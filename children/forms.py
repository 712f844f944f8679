from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from core.forms import date_field

from .models import Child, Cover, IROAllocation, MissingEpisode, ShortBreakAgreement


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


class CoverForm(forms.Form):
    iro = forms.ModelChoiceField(
        queryset=User.objects.filter(role=User.Role.IRO, is_active=True).order_by("first_name", "last_name"),
        label="IRO who covers",
        error_messages={"required": "Select the IRO who covers"},
    )
    covered_iro = forms.ModelChoiceField(
        queryset=User.objects.filter(role=User.Role.IRO).order_by("first_name", "last_name"),
        label="Whose whole caseload (leave empty to name children)",
        required=False,
    )
    children = forms.CharField(
        label="Or the LA child ids of the children covered",
        help_text="Separated by spaces or commas, for example A1234 B5678",
        required=False,
    )
    start_on = date_field("Cover from")
    end_on = date_field("Cover until")
    reason = forms.ChoiceField(
        choices=Cover.Reason.choices,
        widget=forms.RadioSelect,
        label="Why is cover needed?",
        error_messages={"required": "Select why cover is needed"},
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Note (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("iro"),
            Field.select("covered_iro"),
            Field.text("children"),
            Field("start_on"),
            Field("end_on"),
            Field.radios("reason", legend_size=Size.SMALL),
            Field.textarea("note"),
            Submit("submit", "Record cover"),
        )

    def clean_children(self):
        ids = [part for part in self.cleaned_data["children"].replace(",", " ").split() if part]
        found = list(Child.objects.filter(la_child_id__in=ids))
        missing = sorted(set(ids) - {c.la_child_id for c in found})
        if missing:
            raise ValidationError(f"No child has the LA child id {', '.join(missing)}")
        return found
