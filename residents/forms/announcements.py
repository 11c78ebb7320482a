"""The admin's form for an announcement: the audience is checked by the service's own rule."""

from __future__ import annotations

from django import forms

from common.errors import DomainError

from ..models import Announcement
from ..services.announcements import AUDIENCE_FIXED, SENT_WITH, announcement_audience_check


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = [
            "campus",
            "audience",
            "building",
            "companies",
            "title_en",
            "body_en",
            "title_zh",
            "body_zh",
            "pinned",
            "published_at",
            "ends_on",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self._sent_with_changed():
            self.add_error(None, AUDIENCE_FIXED)
        # Once the e-mails are out the audience is shown read-only, and not part of the form.
        if "audience" in self.fields and cleaned.get("campus") and cleaned.get("audience"):
            try:
                announcement_audience_check(
                    campus=cleaned["campus"],
                    audience=cleaned["audience"],
                    building=cleaned.get("building"),
                    companies=cleaned.get("companies") or [],
                )
            except DomainError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned

    def _sent_with_changed(self) -> bool:
        """The form was opened before the e-mails went out, and changes whom or when they were for."""
        changed = {name.removesuffix("_id") for name in SENT_WITH} | {"companies"}
        return bool(changed & set(self.changed_data)) and (
            Announcement.objects.filter(pk=self.instance.pk, emailed_at__isnull=False).exists()
        )
