"""Two-factor sign-in with time-based one-time passwords (django-otp's TOTP devices), for every
kind of account: the code form and the page that sets a device up or asks for its code.

Who must pass it, and where, is each area's rule (``common.staff`` for staff, ``residents.access``
for residents); this module only checks codes and marks the session verified.
"""

from __future__ import annotations

import segno
from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().replace(" ", "")
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:  # django-otp slows down guessing: a wait that doubles with each wrong code
            raise forms.ValidationError(_("Too many wrong codes in a row: wait a few seconds, then try again."))
        if not self.device.verify_token(code):
            raise forms.ValidationError(_("This code is not right or has expired; enter the current one."))
        return code


def second_factor_page(request, *, template: str, next_url: str):
    """Enter a code (device confirmed), or set up a device (none yet); then go on to ``next_url``."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
            user=request.user, name="authenticator", confirmed=False
        )
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        if setting_up:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect(next_url)
    context = {"form": form, "setting_up": setting_up, "next": next_url}
    if setting_up:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4, title=str(_("QR code")))
        context["secret"] = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(request, template, context)
