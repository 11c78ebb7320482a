from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from tenants.models import Company

LOGO_TYPES = "image/png,image/jpeg,image/webp"


class ProfileForm(forms.ModelForm):
    """The company's directory entry; the service (``profile_update``) checks the logo and saves."""

    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("For example https://example.com"),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": LOGO_TYPES}),
    )
    logo_remove = forms.BooleanField(label=_("Remove the current logo"), required=False)

    class Meta:
        model = Company
        fields = ["description_en", "description_zh_hans", "website", "focus_areas", "listed"]
        labels = {
            "description_en": _("Description in English"),
            "description_zh_hans": _("Description in Chinese"),
            "listed": _("List our company in the resident directory and for the campus's partners"),
        }
        help_texts = {
            "description_en": _("Shown on the English pages; without it they show the Chinese description."),
            "description_zh_hans": _("Shown on the Chinese pages; without it they show the English description."),
            "listed": _("Unticked, the company is left out of /residents/ and of the partner API."),
        }
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 5, "lang": "en"}),
            "description_zh_hans": forms.Textarea(attrs={"rows": 5, "lang": "zh-Hans"}),
            "focus_areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, logo_max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo"].help_text = _(
            "PNG, JPEG or WebP, at most %(size)s. It is redrawn as a PNG of at most 512 pixels a side."
        ) % {"size": filesizeformat(logo_max_bytes)}
        if not self.instance.logo:
            del self.fields["logo_remove"]
