from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from core.forms import date_field

from .models import Child, ChildContact, Cover, IROAllocation, MissingEpisode, ShortBreakAgreement
from .selectors import iros_with_caseload_counts


class IROChoiceField(forms.ModelChoiceField):
    """Active IROs, each with the children on their caseload now and that per full-time post."""

    def label_from_instance(self, iro):
        size = iro.caseload_size
        label = f"{iro} – {size} {'child' if size == 1 else 'children'}"
        profile = getattr(iro, "staff_profile", None)
        if profile is not None and profile.fte:
            label += f", {Decimal(size) / profile.fte:.1f} per FTE"
        return label


class AllocationForm(forms.Form):
    """Allocating an IRO to a child without one, or changing the child's IRO: worded for each."""

    iro = IROChoiceField(queryset=User.objects.none())
    start_on = date_field("Date the new IRO takes over", help_text="It can be a later date. For example, 27 3 2026")
    reason = forms.ChoiceField(choices=IROAllocation.Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Handover note (optional)")

    def __init__(self, *args, today, changing: bool, suggested: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        iro = self.fields["iro"]
        iro.queryset = iros_with_caseload_counts(today=today).select_related("staff_profile")
        if changing:
            iro.label, iro.error_messages["required"] = "New IRO", "Select the new IRO"
            self.fields["reason"].label = "Why is the IRO changing?"
            self.fields["reason"].error_messages["required"] = "Select why the IRO is changing"
        else:
            iro.label, iro.error_messages["required"] = "IRO", "Select the IRO to allocate"
            self.fields["start_on"].label = "Date the IRO starts"
            self.fields["reason"].label = "Why is this IRO being allocated?"
            self.fields["reason"].error_messages["required"] = "Select why this IRO is being allocated"
        iro.help_text = "Each IRO's caseload now, and per full-time post (the IRO Handbook suggests 50 to 70)."
        if suggested is not None:
            iro.help_text += f" The child's brother or sister has {suggested} as their IRO."
            self.initial.setdefault("iro", suggested.pk)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("iro"),
            Field("start_on"),
            Field.radios("reason", legend_size=Size.SMALL),
            Field.textarea("note"),
            Submit("submit", "Change IRO" if changing else "Allocate IRO"),
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


class ChildDetailsForm(forms.Form):
    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's first name"})
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's last name"})
    preferred_name = forms.CharField(
        max_length=100,
        required=False,
        label="Preferred name (optional)",
        help_text="The name the child likes to be called, if different.",
    )
    pronouns = forms.CharField(
        max_length=40,
        required=False,
        label="Pronouns (optional)",
        help_text="For example, she/her, he/him or they/them.",
    )
    first_language = forms.CharField(max_length=60, required=False, label="First language (optional)")
    interpreter_needed = forms.BooleanField(required=False, label="The child needs an interpreter")
    disability = forms.CharField(
        max_length=200,
        required=False,
        label="Disability (optional)",
        help_text="Any disability, and what helps the child take part.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    religion = forms.CharField(max_length=60, required=False, label="Religion (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("first_name", field_width=Fluid.TWO_THIRDS),
            Field.text("last_name", field_width=Fluid.TWO_THIRDS),
            Field.text("preferred_name", field_width=Fluid.TWO_THIRDS),
            Field.text("pronouns", field_width=Fluid.ONE_THIRD),
            Field.text("first_language", field_width=Fluid.ONE_THIRD),
            Field.checkbox("interpreter_needed"),
            Field.textarea("disability"),
            Field.text("religion", field_width=Fluid.ONE_THIRD),
            Submit("submit", "Save details"),
        )

    @classmethod
    def initial_from(cls, child: Child) -> dict:
        return {name: getattr(child, name) for name in cls.base_fields}


class ContactForm(forms.Form):
    role = forms.ChoiceField(
        choices=ChildContact.Role.choices,
        widget=forms.RadioSelect,
        label="Who are they to the child?",
        error_messages={"required": "Select who they are to the child"},
    )
    name = forms.CharField(max_length=100, label="Name", error_messages={"required": "Enter their name"})
    team = forms.CharField(
        max_length=100,
        required=False,
        label="Team or organisation (optional)",
        help_text="For example, the social work team, the carer's agency or the school's name.",
    )
    email = forms.EmailField(
        required=False,
        label="Email address (optional)",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = forms.CharField(max_length=30, required=False, label="Phone number (optional)")

    def __init__(self, *args, submit_label: str = "Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("role", legend_size=Size.SMALL),
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("team", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("phone", field_width=Fluid.ONE_THIRD),
            Submit("submit", submit_label),
        )

    @classmethod
    def initial_from(cls, contact: ChildContact) -> dict:
        return {name: getattr(contact, name) for name in cls.base_fields}


class SiblingForm(forms.Form):
    la_child_id = forms.CharField(
        max_length=10,
        label="The sibling's LA child id",
        error_messages={"required": "Enter the sibling's LA child id"},
    )
    link = forms.TypedChoiceField(
        choices=[("yes", "Link them as siblings"), ("no", "Take this child out of their sibling group")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="What do you want to do?",
        error_messages={"required": "Select whether to link them or remove the link"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("la_child_id", field_width=Fluid.ONE_THIRD),
            Field.radios("link", legend_size=Size.SMALL),
            Submit("submit", "Save"),
        )


class ContactRemoveForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Submit("submit", "Remove", css_class="govuk-button--warning"))


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


class ReallocationForm(forms.Form):
    """Moving an IRO's children, each to another IRO (or not), from one handover date with one note."""

    start_on = date_field("Date the new IROs take over", help_text="It can be a later date. For example, 27 3 2026")
    reason = forms.ChoiceField(
        choices=IROAllocation.Reason.choices,
        widget=forms.RadioSelect,
        initial=IROAllocation.Reason.IRO_LEFT,
        label="Why are the children moving?",
        error_messages={"required": "Select why the children are moving"},
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Handover note (optional)",
        help_text="Kept with each child's new allocation.",
    )

    def __init__(self, *args, children, from_iro, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.children = list(children)
        iros = [i for i in iros_with_caseload_counts(today=today).select_related("staff_profile") if i != from_iro]
        self.iros = {str(i.pk): i for i in iros}
        label = IROChoiceField(queryset=User.objects.none()).label_from_instance
        choices = [("", "Do not move")] + [(str(i.pk), label(i)) for i in iros]
        for child in self.children:
            self.fields[f"move_{child.pk}"] = forms.ChoiceField(
                choices=choices, required=False, label=f"{child.full_name} ({child.la_child_id})"
            )

        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's form holds the children's choices and the buttons
        self.helper.layout = Layout(
            Field("start_on"), Field.radios("reason", legend_size=Size.SMALL), Field.textarea("note")
        )

    def moves(self) -> dict:
        return {
            child: self.iros[self.cleaned_data[f"move_{child.pk}"]]
            for child in self.children
            if self.cleaned_data.get(f"move_{child.pk}")
        }
