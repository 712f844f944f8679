"""GOV.UK form helpers for every app: the date input, a service's errors shown on its form, and the
one way a view hands a valid form to a service (`submit`), which also makes a form sent twice
do its work once and stops one person's edit silently overwriting another's."""

import json
import re
import uuid
from datetime import date

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction

from .models import FormSubmission

# "(DfE rule 440)", "(DfE rules 225, 226)": for the import's report and the code, not for users of forms.
RULE_NUMBER = re.compile(r" \(DfE rules? [^)]*\)")


def for_users(message: str) -> str:
    """A service's message as a form shows it: without the DfE rule numbers."""
    return RULE_NUMBER.sub("", message)


def request_number(value: str) -> int | None:
    """A whole number as a request gives it (a row's id in a query string, such as `?iro=`; a list's
    position on a button), or None if it is not one: ASCII digits only, at most 18 of them (ids are
    bigints), so that anything else sent reads as no choice, never as a server error (`isdigit`
    alone takes "²" and 4,301 digits, which `int` refuses)."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


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

    def clean(self, value):
        # Parts of spaces only are blank: otherwise they pass the "required" check as filled in, each
        # part strips to nothing, and the form gives no date and no message.
        if isinstance(value, list | tuple):
            value = [part.strip() if isinstance(part, str) else part for part in value]
        return super().clean(value)

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except (ValidationError, OverflowError):
            # The package passes on Python's "day is out of range for month" (and a year too large
            # for a number overflows before any check); say it as the pattern does.
            raise ValidationError(f"{self.label} must be a real date") from None


def date_field(label: str, *, required: bool = True, help_text: str = "For example, 27 3 2026") -> GovukDateField:
    return GovukDateField(label=label, required=required, help_text=help_text)


# The hidden fields `submit` adds to every form it handles (and takes out before the service sees them).
KEY_FIELD = "submission_key"
VERSION_FIELD = "submission_version"
VERSION_SALT = "core.forms.version"


def _state(form: forms.Form, obj: models.Model) -> dict:
    """What the edit form shows of `obj` now (its `initial_from`), as plain JSON values."""
    return json.loads(json.dumps(type(form).initial_from(obj), cls=DjangoJSONEncoder))


def _shown(field: forms.Field, value) -> str:
    """A value of the form's field as the person saw it on the page."""
    if value in (None, "", []):
        return "blank"
    choices = {str(key): label for key, label in getattr(field, "choices", [])}
    if str(value) in choices:
        return str(choices[str(value)])
    if isinstance(field, forms.MultiValueField):
        try:
            return f"{date.fromisoformat(value):%-d %B %Y}"
        except (TypeError, ValueError):
            pass
    text = str(value)
    return f"“{text[:200]}…”" if len(text) > 200 else f"“{text}”"


def _changed_meanwhile(form: forms.Form, was: dict, now: dict) -> list[str]:
    return [
        f"{form.fields[name].label} is now {_shown(form.fields[name], now.get(name))}"
        for name in form.fields
        if name in now and was.get(name) != now.get(name)
    ]


def _add_hidden_fields(form: forms.Form, edits: models.Model | None) -> None:
    form.fields[KEY_FIELD] = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)
    if edits is not None:
        version = signing.dumps(_state(form, edits), salt=VERSION_SALT, compress=True)
        form.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False, initial=version)
    helper = getattr(form, "helper", None)
    if helper is not None:
        helper.render_hidden_fields = True


def _lock(obj: models.Model) -> None:
    """Locks the edited row until the transaction ends, and reloads it so that the service works on
    what is saved now. The child's row first where there is one, in the order the services lock."""
    child_id = getattr(obj, "child_id", None)
    if child_id is not None:
        type(obj).child.field.related_model.objects.select_for_update().filter(pk=child_id).first()
    type(obj)._base_manager.select_for_update().filter(pk=obj.pk).first()
    obj.refresh_from_db()


def _conflict(form: forms.Form, edits: models.Model) -> bool:
    """Whether someone else saved the edited object since the form was shown: if so, the form says
    what they changed, keeps this person's input, and carries the new version so that saving again
    is a choice made knowing it."""
    posted = form.cleaned_data.get(VERSION_FIELD)
    if not posted:
        return False  # a form shown before versions were carried: nothing to compare with
    try:
        was = signing.loads(posted, salt=VERSION_SALT)
    except signing.BadSignature:
        was = {}
    now = _state(form, edits)
    if was == now:
        return False
    changed = _changed_meanwhile(form, was, now)
    form.add_error(
        None,
        "Someone else saved changes to this while you were editing it"
        + (f": {'; '.join(changed)}. " if changed else ". ")
        + "Your changes are still in the form and have not been saved: check them against theirs, then save again.",
    )
    form.data = form.data.copy()
    form.data[form.add_prefix(VERSION_FIELD)] = signing.dumps(now, salt=VERSION_SALT, compress=True)
    return True


def submit(request, form: forms.Form, service, *, edits: models.Model | None = None, **arguments):
    """For a POSTed, valid form: call the service with the form's data, and return what it returns.
    Otherwise, or when the service refuses the data, return None with its errors on the form.

    Every form carries a one-time key: sent again, it returns what the first sending made (read
    from the database) instead of calling the service twice. An edit form names the object it
    edits (`edits`, with the form's `initial_from`): the version it was shown is checked against the
    saved one under a row lock, and a change made meanwhile refuses the save with what changed."""
    _add_hidden_fields(form, edits)
    if request.method != "POST" or not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    key = data.pop(KEY_FIELD, None)
    data.pop(VERSION_FIELD, None)
    try:
        with transaction.atomic():
            submission = None
            if key is not None and request.user.is_authenticated:  # keys are kept per person
                try:
                    with transaction.atomic():
                        submission = FormSubmission.objects.create(user=request.user, key=key)
                except IntegrityError:
                    return _sent_before(form, request.user, key)
            if edits is not None:
                _lock(edits)
                if _conflict(form, edits):
                    transaction.set_rollback(True)  # the key stays unused, for the save made knowingly
                    return None
            result = service(actor=request.user, **arguments, **data)
            if submission is not None and isinstance(result, models.Model):
                submission.result_type = ContentType.objects.get_for_model(result)
                submission.result_id = result.pk
                submission.save(update_fields=["result_type", "result_id"])
            return result
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _sent_before(form: forms.Form, user, key):
    """The form was sent already with this key (the first sending is committed: the unique key made
    this one wait for it): what it made, or a message if that is gone."""
    result = FormSubmission.objects.get(user=user, key=key).result()
    if result is None:
        form.add_error(None, "This form was sent already: go back to the page and start again.")
    return result


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
