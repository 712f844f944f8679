"""The 903 return page's upload form: the files of a return, or of a whole history, as CSV files or zips."""

import zipfile
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError

from .reading import files_from_zip


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
        "holding them (in one folder per year, if you like). Several years' files of each table can go together.",
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
                # Each year's files of a history may have the same names: keep every one.
                key, n = name, 1
                while key in files:
                    n += 1
                    key = f"{name} ({n})"
                files[key] = data
            else:
                raise ValidationError(f"{name} is not a CSV file or a zip file")
        return files
