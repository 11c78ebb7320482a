"""Django's admin site, with the second factor part of being staff (``common.staff``), its models
grouped by what staff do rather than by the app that holds them."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

#: The admin's sections in the order staff meet them, each with its models as "app_label.model"
#: ("app_label.*": every model of an app). A model named nowhere falls under System, the last.
#: Who sees a section's models is up to their permissions: System's are given to the roles that
#: run the system (``portal.roles``).
SECTIONS: list[tuple[str, str, list[str]]] = [
    (
        "space",
        _("Campus & space"),
        [
            "campus.campus",
            "campus.building",
            "campus.space",
            "campus.allocation",
            "residents.resource",
            "residents.training",
            "residents.booking",
        ],
    ),
    (
        "applications",
        _("Applications & onboarding"),
        [
            "tenants.intakebatch",
            "tenants.application",
            "tenants.accesslink",
            "tenants.onboardingtemplate",
            "tenants.onboardingplan",
            "tenants.onboardingtask",
            "tenants.compliancedocument",
            "tenants.datarequest",
        ],
    ),
    (
        "residents",
        _("Residents"),
        [
            "tenants.company",
            "residents.membership",
            "residents.invitation",
            "residents.stagemilestone",
            "residents.milestonereport",
            "residents.stagetransition",
            "residents.announcement",
            "residents.announcementreceipt",
            "residents.servicerequest",
            "residents.servicetarget",
            "residents.visit",
            "residents.delivery",
        ],
    ),
    (
        "partners",
        _("Partners & API"),
        ["partners.partner", "partners.partnertoken", "partners.referral", "partners.webhookendpoint"],
    ),
    (
        "advisory",
        _("Advisory"),
        [
            "advisory.advisorycommittee",
            "advisory.advisorymember",
            "advisory.review",
            "advisory.meeting",
            "advisory.consultation",
        ],
    ),
    (
        "finance",
        _("Finance"),
        ["residents.lease", "residents.invoice", "residents.payment", "residents.statementimport"],
    ),
    (
        "system",
        _("System"),
        [
            "auth.user",
            "auth.group",
            "otp_totp.*",
            "axes.*",
            "django_celery_beat.*",
            "portal.failedjob",
            "tenants.notification",
            "tenants.domainevent",
            "partners.webhookdelivery",
        ],
    ),
]
FALLBACK_SECTION = "system"


def section_of(app_label: str, model_name: str) -> str:
    """The key of the section a model is listed under."""
    for key, _label, names in SECTIONS:
        if f"{app_label}.{model_name}" in names or f"{app_label}.*" in names:
            return key
    return FALLBACK_SECTION


def _place(model_dict: dict) -> tuple[int, str]:
    """Where a model stands in its section: its place in SECTIONS, then by name (for "app.*")."""
    meta = model_dict["model"]._meta
    names = next(names for key, _label, names in SECTIONS if key == section_of(meta.app_label, meta.model_name))
    label = f"{meta.app_label}.{meta.model_name}"
    return (names.index(label) if label in names else len(names), str(model_dict["name"]))


class PortalAdminSite(AdminSite):
    """A session that still owes its second factor is not staff here either."""

    def has_permission(self, request) -> bool:
        from common.staff import is_staff_session  # imports models: not while the app registry loads

        return is_staff_session(request.user)

    def get_app_list(self, request, app_label=None):
        """The index and the sidebar list sections (SECTIONS); an app's own page still lists that app."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        by_section: dict[str, list[dict]] = {key: [] for key, _label, _names in SECTIONS}
        for app in self._build_app_dict(request).values():
            for model_dict in app["models"]:
                meta = model_dict["model"]._meta
                by_section[section_of(meta.app_label, meta.model_name)].append(model_dict)
        return [
            {
                "name": label,
                "app_label": key,
                "app_url": reverse("admin:section", args=[key], current_app=self.name),
                "has_module_perms": True,
                "models": sorted(by_section[key], key=_place),
            }
            for key, label, _names in SECTIONS
            if by_section[key]
        ]

    def get_urls(self):
        section = path("section/<slug:section>/", self.admin_view(self.section_index), name="section")
        return [section, *super().get_urls()]

    def section_index(self, request, section: str):
        """One section's models, as an app's page lists its models."""
        app_list = [entry for entry in self.get_app_list(request) if entry["app_label"] == section]
        if not app_list:
            raise Http404
        context = {
            **self.each_context(request),
            "title": app_list[0]["name"],
            "subtitle": None,
            "app_list": app_list,
            "app_label": section,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/app_index.html", context)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
