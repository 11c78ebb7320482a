"""Announcements in the admin: written and published through the service; who has read each."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from common.admin import ServiceSaveMixin
from common.errors import DomainError

from ..forms.announcements import AnnouncementForm
from ..models import Announcement, AnnouncementReceipt
from ..services.announcements import announcement_publish, announcement_save

# Whom and when it was for: read-only once its e-mails are out.
FIXED_ONCE_EMAILED = ["campus", "audience", "building", "companies", "published_at"]


@admin.register(Announcement)
class AnnouncementAdmin(ServiceSaveMixin, SimpleHistoryAdmin):
    form = AnnouncementForm
    list_display = ["title_en", "campus", "audience", "building", "pinned", "published_at", "ends_on", "readers"]
    list_filter = ["campus", "audience", "pinned", ("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["title_en", "title_zh", "body_en", "body_zh"]
    list_select_related = ["campus", "building"]
    autocomplete_fields = ["companies"]
    date_hierarchy = "created_at"
    fieldsets = [
        (_("Audience"), {"fields": ["campus", "audience", "building", "companies"]}),
        (_("English"), {"fields": ["title_en", "body_en"]}),
        (_("Simplified Chinese"), {"fields": ["title_zh", "body_zh"]}),
        (_("Publication"), {"fields": ["pinned", "published_at", "ends_on"]}),
        (
            _("Readers"),
            {
                "fields": ["readers", "emailed_at", "created_by", "published_by"],
                "description": _(
                    "Read / reached: of the people it was e-mailed to, or who opened it in /my/ later, "
                    "how many have opened it. The number opens the list of them."
                ),
            },
        ),
    ]
    actions = ["publish"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                reached=Count("receipts"),
                read=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fixed = FIXED_ONCE_EMAILED if obj is not None and obj.emailed_at is not None else []
        return ["readers", "emailed_at", "created_by", "published_by", *fixed]

    @admin.display(description=_("read / reached"))
    def readers(self, obj):
        """Read by how many of the people it reached (e-mailed, or opened it in /my/), and the list of them."""
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:residents_announcementreceipt_changelist") + f"?announcement__id__exact={obj.pk}"
        return format_html('<a href="{}">{} / {}</a>', url, getattr(obj, "read", 0), getattr(obj, "reached", 0))

    def service_save(self, request, form, change):
        # Once the e-mails are out the companies are shown read-only: the stored ones stay.
        companies = form.cleaned_data.get("companies", form.instance.companies.all() if change else [])
        return announcement_save(announcement=form.instance, companies=companies, actor=request.user)

    @admin.action(description=_("Publish the selected announcements now"), permissions=["change"])
    def publish(self, request, queryset):
        published = 0
        for announcement in queryset:
            try:
                announcement_publish(announcement=announcement, actor=request.user)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(
                request, _("Published: residents see it now, and it is being e-mailed to them."), messages.SUCCESS
            )


@admin.register(AnnouncementReceipt)
class AnnouncementReceiptAdmin(admin.ModelAdmin):
    """Who an announcement reached and who has read it: written by the e-mail job and by reading in /my/."""

    list_display = ["user", "company", "announcement", "emailed_at", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter), "announcement__campus"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "company__name", "announcement__title_en"]
    list_select_related = ["user", "company", "announcement"]
    fields = ["announcement", "user", "company", "notification", "emailed_at", "read_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
