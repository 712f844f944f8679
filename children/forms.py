import zipfile
from pathlib import PurePosixPath

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from core.forms import date_field

from .models import Child, Cover, IROAllocation, MissingEpisode
from .ssda903_import import files_from_zip


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


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files chosen together."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class Ssda903UploadForm(forms.Form):
    # A borough's whole history is a few megabytes; this stops a wrong file from filling the memory.
    MAX_BYTES = 100 * 1024 * 1024

    files = MultipleFileField(
        label="Upload the 903 files",
        help_text="Choose header.csv, episodes.csv, reviews.csv and missing.csv together, or one zip file "
        "holding them. Several years' files of each table can go together.",
        error_messages={"required": "Choose the 903 files to import"},
    )

    def clean_files(self) -> dict[str, bytes]:
        """The CSV files by name, those in a zip named after it too."""
        files: dict[str, bytes] = {}
        total = 0
        for upload in self.cleaned_data["files"]:
            total += upload.size
            if total > self.MAX_BYTES:
                raise ValidationError(f"The files must be smaller than {self.MAX_BYTES // 1024 // 1024} MB together")
            name = PurePosixPath(upload.name).name
            data = upload.read()
            if name.lower().endswith(".zip"):
                try:
                    inside = files_from_zip(data, max_bytes=self.MAX_BYTES)
                except (zipfile.BadZipFile, ValueError) as error:
                    raise ValidationError(f"{name} cannot be opened as a zip file: {error}") from None
                if not inside:
                    raise ValidationError(f"{name} holds no CSV files")
                files.update({f"{name}/{member}": content for member, content in inside.items()})
            elif name.lower().endswith(".csv"):
                files[name] = data
            else:
                raise ValidationError(f"{name} is not a CSV file or a zip file")
        return files


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
