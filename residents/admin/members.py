from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from common.errors import DomainError

from ..models import Invitation, Membership
from ..services.members import invitation_withdraw


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "company", "role", "joined_at"]
    list_filter = ["role", "company__campus"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "company__name"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["company"]
    raw_id_fields = ["user"]
    readonly_fields = ["joined_at"]

    def has_add_permission(self, request):
        return False  # people join through an invitation, which creates their account


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "company", "role", "created_at", "expires_at", "accepted_at", "withdrawn_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter), ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "name", "company__name"]
    list_select_related = ["company"]
    readonly_fields = [field.name for field in Invitation._meta.fields if field.name != "id"]
    actions = ["withdraw"]

    def has_add_permission(self, request):
        return False  # invitations are sent on approval, or by the company's admins in /my/team/

    @admin.action(description=_("Withdraw the selected invitations"), permissions=["change"])
    def withdraw(self, request, queryset):
        try:
            for invitation in queryset:
                invitation_withdraw(invitation=invitation, actor=request.user)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, _("Withdrawn."), messages.SUCCESS)
