"""Sign-in pages for people who are not staff (committee members, residents): attempts limited
per address and per user name (django-ratelimit, on top of django-axes' lock-out), and password
reset links that always use SITE_URL, never the request's Host header."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django_ratelimit.core import is_ratelimited


class LimitedLoginView(auth_views.LoginView):
    """Django's sign-in, refusing with 429 once ``rate`` attempts came from one address or for one name."""

    redirect_authenticated_user = True
    rate_group = "login"
    rate_setting = "ADVISORY_LOGIN_RATE"

    def post(self, request, *args, **kwargs):
        rate = getattr(settings, self.rate_setting)
        username = request.POST.get("username", "").lower()[:150]
        by_ip = is_ratelimited(request, group=self.rate_group, key="ip", rate=rate, method="POST", increment=True)
        by_user = is_ratelimited(
            request,
            group=f"{self.rate_group}-user",
            key=lambda g, r: username,
            rate=rate,
            method="POST",
            increment=True,
        )
        if by_ip or by_user:
            response = render(request, self.template_name, {"form": self.get_form(), "locked": True}, status=429)
            response["Retry-After"] = "900"
            return response
        return super().post(request, *args, **kwargs)


def reset_link_options(template_prefix: str) -> dict:
    """Options for ``PasswordResetForm.save``: the configured address and the page's own e-mail."""
    parts = urlsplit(settings.SITE_URL)
    return {
        "domain_override": parts.netloc,
        "use_https": parts.scheme == "https",
        "subject_template_name": f"{template_prefix}password_reset_subject.txt",
        "email_template_name": f"{template_prefix}password_reset_email.txt",
    }


class SiteUrlPasswordResetView(auth_views.PasswordResetView):
    """Password reset whose e-mailed link names SITE_URL; ``email_templates`` is the templates' prefix."""

    email_templates = ""

    def form_valid(self, form):
        options = reset_link_options(self.email_templates)
        form.save(request=self.request, token_generator=self.token_generator, **options)
        return redirect(self.get_success_url())
