from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names where the form has that
    field, otherwise at the top of the form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def date_field(label: str, *, required: bool = True, help_text: str = "For example, 27 3 2026") -> DateInputField:
    """A GOV.UK date input (day, month, year) whose messages name the date asked for."""
    field = DateInputField(label=label, required=required, help_text=help_text)
    field.error_messages.update(
        required=f"Enter the {label.lower()}", incomplete=f"Enter the {label.lower()} as a day, month and year"
    )
    return field
