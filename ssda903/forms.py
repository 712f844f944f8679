"""The 903 return page's upload form: the files of a return, or of a whole history, as CSV files or zips."""

from pathlib import Path, PurePosixPath

from django import forms
from django.core.exceptions import ValidationError

from .reading import FileData, Limits, files_from_uploads, size_text


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
    files = MultipleFileField(
        label="Upload the 903 files",
        help_text="Choose header.csv, episodes.csv, reviews.csv and missing.csv together, or one zip file "
        "holding them (in one folder per year, if you like). Several years' files of each table can go together.",
        error_messages={"required": "Choose the 903 files to import"},
    )

    def __init__(self, *args, limits: Limits, **kwargs):
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.expanded_bytes = 0

    def clean_files(self) -> dict[str, FileData]:
        """The CSV files by name, those in a zip named after it too (read from where the upload is:
        in memory if small, else in its temporary file)."""
        uploads = self.cleaned_data["files"]
        total = sum(upload.size for upload in uploads)
        if total > self.limits.upload_bytes:
            names = ", ".join(PurePosixPath(upload.name).name for upload in uploads)
            raise ValidationError(
                f"The files uploaded ({names}) come to {size_text(total)}, more than the "
                f"{size_text(self.limits.upload_bytes)} an upload may be: upload the history in parts, or zip the files"
            )
        self.uploads = [(PurePosixPath(upload.name).name, upload) for upload in uploads]
        try:
            files, self.expanded_bytes = files_from_uploads(
                [(name, _source(upload)) for name, upload in self.uploads], self.limits
            )
        except ValueError as error:
            raise ValidationError(str(error)) from None
        return files


def _source(upload) -> bytes | Path:
    path = getattr(upload, "temporary_file_path", None)
    return Path(path()) if path else upload.read()
