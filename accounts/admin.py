"""The admin site is for administrators managing accounts and IRO staff profiles only: children's
records are deliberately not registered here, so they are reached only through the service's own
access-checked pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .audit import audit_record
from .models import StaffProfile, User

# Changes to these are changes of what the account may do: each is audited with old and new values.
ACCESS_FIELDS = ("role", "is_active", "is_staff", "is_superuser")


def _access(user: User) -> dict:
    return {
        **{field: getattr(user, field) for field in ACCESS_FIELDS},
        "groups": sorted(user.groups.values_list("name", flat=True)) if user.pk else [],
        "permissions": sorted(user.user_permissions.values_list("codename", flat=True)) if user.pk else [],
    }


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False


@admin.register(User)
class ServiceUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Role", {"fields": ("role",)}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Role", {"fields": ("role", "first_name", "last_name", "email")}))
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    inlines = [StaffProfileInline]

    def save_model(self, request, obj, form, change):
        request._access_before = _access(User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before, after = request._access_before, _access(form.instance)
        changed = {key for key in after if before.get(key) != after[key]}
        if changed:
            audit_record(
                actor=request.user,
                action="access_changed" if change else "account_created",
                obj=form.instance,
                old={key: before.get(key) for key in sorted(changed)},
                new={key: after[key] for key in sorted(changed)},
            )
