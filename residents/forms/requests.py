"""Forms of service requests: raising one, replies, notes, moves, assignment, and the staff queue's filters."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campus.models import Campus
from common.uploads import check_upload

from ..choices import OPEN_REQUESTS, RequestCategory, RequestState
from ..selectors import request_handlers
from ..services.requests import MAX_ATTACHMENTS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_ATTACHMENTS files, each checked by the upload rules (size, type from the content)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("Optional: up to %(count)d files, PDF, PNG, JPEG or Word (.docx).") % {"count": MAX_ATTACHMENTS},
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("Attach at most %(count)d files at a time.") % {"count": MAX_ATTACHMENTS})
        errors = []
        for upload in files:
            try:
                check_upload(upload)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return files


class RequestForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=RequestCategory.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What, where (building, floor, room) and since when."),
    )
    files = AttachmentsField(label=_("Attachments"))


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))
    files = AttachmentsField(label=_("Attachments"))


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by campus staff only, never by the company."),
    )


class MoveForm(forms.Form):
    """A move to one of ``moves`` (the states this side may choose now), with the reason."""

    to = forms.ChoiceField(label=_("New state"))
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, moves: list[str], labels: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = labels or {}
        self.fields["to"].choices = [(state, labels.get(state, RequestState(state).label)) for state in moves]


def staff_name(user) -> str:
    return user.get_full_name() or user.get_username()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return staff_name(obj)


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label=_("Assigned to"), queryset=request_handlers(), required=False, empty_label=_("Nobody")
    )


class QueueFilter(forms.Form):
    """The staff queue's filters; with none given, the open requests of every campus."""

    OPEN, ALL = "", "all"
    ME, NOBODY = "me", "none"

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[(OPEN, _("Open")), (ALL, _("All")), *RequestState.choices],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *RequestCategory.choices]
    )
    campus = forms.ModelChoiceField(
        label=_("Campus"), queryset=Campus.objects.all(), required=False, empty_label=_("All"), to_field_name="slug"
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    overdue = forms.BooleanField(label=_("Past a target only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        handlers = [(str(user.pk), staff_name(user)) for user in request_handlers()]
        self.fields["assignee"].choices = [("", _("Anyone")), (self.ME, _("Me")), (self.NOBODY, _("Nobody")), *handlers]

    def apply(self, queryset, *, user):
        """``queryset`` narrowed to the valid filters (an invalid one filters nothing)."""
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state", self.OPEN)
        queryset = queryset.filter(state__in=OPEN_REQUESTS) if state == self.OPEN else queryset
        if state not in {self.OPEN, self.ALL}:
            queryset = queryset.filter(state=state)
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        if data.get("campus"):
            queryset = queryset.filter(campus=data["campus"])
        assignee = data.get("assignee")
        if assignee == self.ME:
            queryset = queryset.filter(assignee=user)
        elif assignee == self.NOBODY:
            queryset = queryset.filter(assignee__isnull=True)
        elif assignee:
            queryset = queryset.filter(assignee_id=int(assignee))
        if data.get("overdue"):
            queryset = queryset.overdue(timezone.now())
        if data.get("q"):
            queryset = queryset.filter(_search(data["q"]))
        return queryset


def _search(text: str) -> Q:
    """The text in the subject, description or company name, or a reference (SR-00012 or 12)."""
    words = Q(subject__icontains=text) | Q(description__icontains=text) | Q(company__name__icontains=text)
    number = text.strip().upper().removeprefix("SR-").lstrip("0")
    if number.isascii() and number.isdigit() and len(number) <= 9:
        return words | Q(pk=int(number))
    return words
