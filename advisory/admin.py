"""Staff manage the committee, invite members and assign reviews here."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import OverdueFilter, ServiceSaveMixin
from common.errors import DomainError
from common.signin import reset_link_options
from tenants.choices import ApplicationStatus

from .models import AdvisoryCommittee, AdvisoryMember, Consultation, ConsultationSession, Meeting, Review
from .resources import ReviewResource
from .services import consultation_assign, review_assign, review_assignment_check, reviews_auto_assign


class MemberInline(admin.TabularInline):
    model = AdvisoryMember
    fields = ["name", "organisation", "sector", "origin", "term_starts_on", "term_ends_on", "is_listed"]
    extra = 0
    show_change_link = True


@admin.register(AdvisoryCommittee)
class AdvisoryCommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "campus", "blind_reviews"]
    inlines = [MemberInline]


@admin.register(AdvisoryMember)
class AdvisoryMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "sector", "origin", "term_starts_on", "term_ends_on", "is_listed", "user"]
    list_filter = ["committee", "sector", "origin", "is_listed", "is_demo"]
    search_fields = ["name", "organisation", "email", "expertise"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    actions = ["invite"]

    @admin.action(description=_("Invite the selected members to the reviewer area"), permissions=["change"])
    def invite(self, request, queryset):
        User = get_user_model()
        for member in queryset:
            if member.user is None:
                user, _created = User.objects.get_or_create(
                    username=member.email.lower(), defaults={"email": member.email}
                )
                if _created:
                    # A random password nobody knows, so the reset link (which needs a usable one) works.
                    user.set_password(secrets.token_urlsafe(32))
                    user.save()
                member.user = user
                member.save(update_fields=["user"])
            form = PasswordResetForm({"email": member.user.email})
            if form.is_valid():
                form.save(request=request, **reset_link_options("advisory/"))
        self.message_user(request, _("Invitations sent."), messages.SUCCESS)


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["application", "member"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("application") and cleaned.get("member"):
            try:
                review_assignment_check(application=cleaned["application"], member=cleaned["member"])
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
        return cleaned


@admin.register(Review)
class ReviewAdmin(ServiceSaveMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [ReviewResource]
    list_display = ["application", "member", "has_conflict", "recommendation", "submitted_at", "summary"]
    list_filter = [
        "has_conflict",
        "recommendation",
        ("submitted_at", admin.EmptyFieldListFilter),
        OverdueFilter,
        ("member", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["application__company__name", "member__name"]
    list_select_related = ["application__company", "member"]
    autocomplete_fields = ["application"]
    fields = ["application", "member"]
    form = ReviewForm

    def get_readonly_fields(self, request, obj=None):
        return ["application", "member"] if obj else []

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description=_("summary"))
    def summary(self, obj):
        from django.urls import reverse

        return format_html(
            '<a href="{}">{}</a>', reverse("advisory:staff_reviews", args=[obj.application_id]), _("open")
        )

    def service_save(self, request, form, change):
        """Assigned by the service, which keeps the member's review when there is one already."""
        return review_assign(
            application=form.cleaned_data["application"], member=form.cleaned_data["member"], actor=request.user
        )


class AgendaApplicationsFilter(admin.SimpleListFilter):
    title = _("period")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Upcoming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        from django.utils import timezone

        if self.value() == "upcoming":
            return queryset.filter(starts_at__gte=timezone.now())
        if self.value() == "past":
            return queryset.filter(starts_at__lt=timezone.now())
        return queryset


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "committee", "starts_at", "place"]
    list_filter = ["committee", AgendaApplicationsFilter]
    search_fields = ["title", "agenda", "minutes"]
    filter_horizontal = ["invitees", "attendees", "applications"]


class SessionInline(admin.TabularInline):
    model = ConsultationSession
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["company", "topic", "member", "status", "requested_at"]
    list_filter = ["status", ("member", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["company__name", "topic", "question"]
    list_select_related = ["company", "member"]
    autocomplete_fields = ["company"]
    inlines = [SessionInline]

    def save_model(self, request, obj, form, change):
        member = form.cleaned_data.get("member")
        if change and "member" in form.changed_data and member is not None:
            obj.member = None
            obj.save()
            try:
                consultation_assign(consultation=obj, member=member)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            return
        obj.save()


@admin.action(description=_("Assign reviewers automatically"), permissions=["change"])
def assign_reviewers_automatically(modeladmin, request, queryset):
    """Bulk assignment from the application list: serving members without a likely conflict."""
    assigned, skipped = 0, 0
    for application in queryset.select_related("company", "campus"):
        if application.status != ApplicationStatus.COMMITTEE_REVIEW:
            skipped += 1
            continue
        assigned += len(reviews_auto_assign(application=application, actor=request.user))
    modeladmin.message_user(request, _("%(count)s review(s) assigned.") % {"count": assigned}, messages.SUCCESS)
    if skipped:
        modeladmin.message_user(
            request,
            _("%(count)s application(s) skipped: not in committee review.") % {"count": skipped},
            messages.WARNING,
        )
