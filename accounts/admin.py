"""The admin site is for administrators managing accounts and IRO staff profiles only: children's
records are deliberately not registered here, so they are reached only through the service's own
access-checked pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import StaffProfile, User


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
