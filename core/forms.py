"""GOV.UK form helpers for every app: the date input, a service's errors shown on its form, and the
one way a view hands a valid form to a service (`submit`)."""

import re

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

# "(DfE rule 440)", "(DfE rules 225, 226)": for the import's report and the code, not for users of forms.
RULE_NUMBER = re.compile(r" \(DfE rules? [^)]*\)")


def for_users(message: str) -> str:
    """A service's message as a form shows it: without the DfE rule numbers."""
    return RULE_NUMBER.sub("", message)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names where the form has that
    field, otherwise at the top of the form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, for_users(message))
        return
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, for_users(message))


class GovukDateField(DateInputField):
    """A GOV.UK date input (day, month, year) whose messages name the date asked for."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(label=label, **kwargs)
        # Any of day, month or year left blank gives this one message (require_all_fields).
        self.error_messages["required"] = f"Enter the {label[0].lower()}{label[1:]}, with a day, month and year"

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError:
            # The package passes on Python's "day is out of range for month"; say it as the pattern does.
            raise ValidationError(f"{self.label} must be a real date") from None


def date_field(label: str, *, required: bool = True, help_text: str = "For example, 27 3 2026") -> GovukDateField:
    return GovukDateField(label=label, required=required, help_text=help_text)


def submit(request, form: forms.Form, service, **arguments):
    """For a POSTed, valid form: call the service with the form's data, and return what it returns.
    Otherwise, or when the service refuses the data, return None with its errors on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return service(actor=request.user, **arguments, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


class SignInForm(AuthenticationForm):
    """Django's sign-in with messages in the GOV.UK style, saying what to do."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. The password is case sensitive",
        "inactive": "This account cannot sign in. Ask an administrator",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
