from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from iro_service.forms import date_field
from iro_service.models import User

from .models import IROAllocation


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
