"""Django's admin site, with the second factor part of being staff (``common.staff``), its models
grouped by what staff do rather than by the app that holds them.

The list of sections (the index, the sidebar of every admin page) depends only on what the user may
do, the language and the site: it is built once per such combination and process (``_Memo``), and
so is the sidebar's HTML for each model or section it highlights, instead of on every page.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404
from django.template.defaultfilters import urlencode
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, get_urlconf, path, reverse
from django.utils.translation import get_language
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


class _Memo:
    """A bounded map kept in this process's memory, the least recently used entry dropped first.

    Its entries are keyed by everything they are made from (what a user may do, the language), so
    none is ever stale: a user given a permission has another key. A process starts empty, so a
    deployment that registers another model is seen at once.
    """

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], object]):
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = make()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def permissions_key(user) -> Hashable:
    """What the admin's list of models depends on about ``user``: being a superuser, or their permissions.

    A superuser's permissions are all there are (and are not read); anyone else's are read once per
    request by the permission checks of any admin page anyway.
    """
    if user.is_active and user.is_superuser:
        return "superuser"
    return frozenset(user.get_all_permissions())


#: Sections per (site, language, URL prefix, permissions); sidebars per that and what they highlight.
_app_lists = _Memo(size=64)
_sidebars = _Memo(size=512)


@receiver(setting_changed)
def _forget_app_lists(**kwargs) -> None:
    """Settings changed while running (tests) may change URLs, languages or templates."""
    _app_lists.clear()
    _sidebars.clear()


def nav_sidebar_html(context) -> str:
    """The sidebar's HTML (admin/nav_sidebar.html) for the admin page being rendered in ``context``.

    Besides the sections it lists, the template reads only which of their links the page's path
    contains (to highlight them): that is part of the key. A page whose context the site did not
    make (no ``nav_sidebar_key``) has its sidebar rendered as it is.
    """
    template = context.template.engine.get_template("admin/nav_sidebar.html")
    key = context.get("nav_sidebar_key")
    if key is None:
        return template.render(context)
    path = urlencode(context["request"].path)
    highlighted = tuple(
        url
        for section in context["available_apps"]
        for url in (section["app_url"], *(model["admin_url"] for model in section["models"]))
        if url and url in path
    )
    return _sidebars.get_or_make((key, highlighted), lambda: template.render(context))


class PortalAdminSite(AdminSite):
    """A session that still owes its second factor is not staff here either."""

    def has_permission(self, request) -> bool:
        from common.staff import is_staff_session  # imports models: not while the app registry loads

        return is_staff_session(request.user)

    def app_list_key(self, request) -> tuple:
        return (self.name, get_language(), get_script_prefix(), get_urlconf(), permissions_key(request.user))

    def get_app_list(self, request, app_label=None):
        """The index and the sidebar list sections (SECTIONS); an app's own page still lists that app."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        sections = _app_lists.get_or_make(self.app_list_key(request), lambda: self._sections(request))
        # Copies: a page may change its list without changing everyone's.
        return [{**section, "models": [dict(model) for model in section["models"]]} for section in sections]

    def each_context(self, request):
        context = super().each_context(request)
        context["nav_sidebar_key"] = self.app_list_key(request)
        return context

    def _sections(self, request) -> list[dict]:
        by_section: dict[str, list[dict]] = {key: [] for key, _label, _names in SECTIONS}
        for app in self._build_app_dict(request).values():
            for model_dict in app["models"]:
                meta = model_dict["model"]._meta
                by_section[section_of(meta.app_label, meta.model_name)].append(model_dict)
        return [
            {
                "name": str(label),
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
