from django.contrib import admin

from .models import FailedJob


@admin.register(FailedJob)
class FailedJobAdmin(admin.ModelAdmin):
    list_display = ["task", "exception", "failed_at", "request_id"]
    list_filter = ["task", ("failed_at", admin.DateFieldListFilter)]
    search_fields = ["task", "task_id", "request_id", "exception"]
    readonly_fields = ["task", "task_id", "request_id", "arguments", "exception", "traceback", "failed_at"]
    date_hierarchy = "failed_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
