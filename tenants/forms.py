"""The steps of the application form, the link forms, and the staff transition form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from campus.models import Campus
from common.uploads import check_upload

from . import rules
from .choices import EXPIRING_KINDS, ApplicationStatus, DocumentKind
from .models import Application, ApplicationContact, Company, OutcomeSurvey

CHECKBOXES = forms.CheckboxSelectMultiple


class CompanyForm(forms.ModelForm):
    campus = forms.ModelChoiceField(queryset=Campus.objects.all(), label=_("Campus you apply to"), empty_label=None)
    website = forms.URLField(
        label=_("website"), required=False, assume_scheme="https", help_text=_("For example https://example.com")
    )

    class Meta:
        model = Company
        fields = ["name", "country", "website", "founded_year", "size", "description"]
        labels = {"name": _("Company name")}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, application: Application | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The description is written in the page's language and saved in that language's column;
        # shown again, it is that column's text, never the other language's (the fallback), which
        # an unchanged resubmission would otherwise copy across.
        if self.instance.pk:
            column = build_localized_fieldname("description", get_language() or settings.LANGUAGE_CODE)
            self.initial["description"] = getattr(self.instance, column, None) or ""
        if application is not None:
            self.fields["campus"].initial = application.campus_id
            self.fields["campus"].disabled = True
        if self.fields["campus"].queryset.count() == 1:
            self.fields["campus"].initial = self.fields["campus"].queryset.get().pk
            self.fields["campus"].widget = forms.HiddenInput()
        self.fields["size"].required = True
        self.fields["founded_year"].widget.attrs.update({"min": 1800, "max": timezone.localdate().year})

    def clean_founded_year(self):
        year = self.cleaned_data.get("founded_year")
        if year and year > timezone.localdate().year:
            raise ValidationError(_("The founding year cannot be in the future."))
        return year


class ContactForm(forms.ModelForm):
    class Meta:
        model = ApplicationContact
        fields = ["name", "role", "email", "phone"]


class BaseContactFormSet(BaseInlineFormSet):
    """The application's contacts: the first, the primary contact, cannot be removed, only changed."""

    default_error_messages = {
        "too_few_forms": _("Add at least one contact."),
        "too_many_forms": _("Add at most %(num)d contacts."),
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if index == 0:
            form.fields.pop(DELETION_FIELD_NAME, None)


ContactFormSet = inlineformset_factory(
    Application,
    ApplicationContact,
    form=ContactForm,
    formset=BaseContactFormSet,
    extra=1,
    max_num=5,
    min_num=1,
    validate_min=True,
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,
)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ["business_areas", "focus_areas", "disease_stages"]
        widgets = dict.fromkeys(fields, CHECKBOXES)
        help_texts = {"disease_stages": _("Which stages of complete disease management do you cover?")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_areas"].required = True


class NeedsForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = list(Application.NEEDS_FIELDS)
        widgets = {"space_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "gases": CHECKBOXES}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["platform_stage", "space_kind", "space_area_m2", "space_from"]:
            self.fields[name].required = True

    def clean_space_from(self):
        day = self.cleaned_data.get("space_from")
        if day and day < timezone.localdate():
            raise ValidationError(_("Choose today or a later date."))
        if day and day > timezone.localdate() + dt.timedelta(days=3 * 365):
            raise ValidationError(_("Choose a date within the next three years."))
        return day


class DocumentsForm(forms.Form):
    pitch_deck = forms.FileField(label=DocumentKind.PITCH_DECK.label, required=False)
    business_licence = forms.FileField(label=DocumentKind.BUSINESS_LICENCE.label, required=False)
    other = forms.FileField(label=DocumentKind.OTHER.label, required=False)

    def clean(self):
        cleaned = super().clean()
        for name in ["pitch_deck", "business_licence", "other"]:
            upload = cleaned.get(name)
            if upload:
                try:
                    check_upload(upload)
                except ValidationError as exc:
                    self.add_error(name, exc)
        return cleaned


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"))


class InviteForm(forms.Form):
    name = forms.CharField(label=_("Colleague's name"), max_length=120)
    email = forms.EmailField(label=_("Colleague's e-mail address"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransitionForm(forms.Form):
    """Staff move an application; the choices are the moves the state machine allows."""

    to = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject or withdraw. The applicant sees it."),
    )
    override_reason = forms.CharField(
        label=_("Reason for deciding without the required reviews"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when approving or rejecting before enough advisory reviews are completed. Recorded."),
    )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, ApplicationStatus(s).label) for s in rules.allowed_next(application.status)]


class TaskCompleteForm(forms.Form):
    """The company completes one of its onboarding tasks, uploading the document it needs."""

    file = forms.FileField(label=_("Document"), required=False)
    expires_on = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, prefix=f"task{task.pk}", **kwargs)
        self.task = task
        self.fields["file"].required = bool(task.requires_document)
        self.fields["expires_on"].required = task.requires_document in EXPIRING_KINDS
        if not task.requires_document:
            del self.fields["file"]
        if task.requires_document not in EXPIRING_KINDS:
            del self.fields["expires_on"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload)
        return upload

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day and day <= timezone.localdate():
            raise ValidationError(_("The document must still be valid tomorrow."))
        return day


class StaffTaskForm(forms.Form):
    """Staff complete or waive a task on the onboarding board."""

    action = forms.ChoiceField(choices=[("done", _("Mark done")), ("waive", _("Waive"))])
    reason = forms.CharField(label=_("Reason for waiving"), required=False, max_length=2000)


class OutcomeSurveyForm(forms.ModelForm):
    class Meta:
        model = OutcomeSurvey
        fields = list(OutcomeSurvey.ANSWER_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
