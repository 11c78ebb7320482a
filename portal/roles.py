"""Staff roles as permission groups, created (and brought up to date) after every migrate.

Each role is a list of (app label, model, actions). Staff get a role by being put in its group;
superusers keep every permission.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ALL = ("add", "change", "delete", "view")
VIEW = ("view",)
EDIT = ("add", "change", "view")

CAMPUS_MODELS = ["campus", "campustarget", "building", "space", "allocation"]
TENANT_MODELS = [
    "intakebatch",
    "company",
    "application",
    "applicationcontact",
    "applicationdocument",
    "applicationtransition",
    "applicationedit",
    "onboardingtemplate",
    "onboardingtemplatetask",
    "onboardingplan",
    "onboardingtask",
    "compliancedocument",
    "accesslink",
    "outcomesurvey",
    "datarequest",  # applicants' export and erasure requests, carried out in the admin
]
PARTNER_MODELS = [
    "partner",
    "agreement",
    "partnertoken",
    "referral",
    "webhookendpoint",
]
# Residents' models staff work with (their people's accounts are theirs to run, in /my/).
RESIDENT_MODELS = ["announcement"]
RESIDENT_RECORDS = ["announcementreceipt"]  # written by jobs and by reading, never by hand
# Platform stages: the milestones staff define, the companies' reports and evidence, the moves.
STAGE_MODELS = ["stagemilestone", "milestonereport", "milestoneevidence", "stagetransition"]
ADVISORY_MODELS = ["advisorycommittee", "advisorymember", "review", "meeting", "consultation", "consultationsession"]
# The front desk's records: visitors and the deliveries it holds for companies.
FRONT_DESK_MODELS = ["visit", "delivery"]
# Service requests: the queue (requests, their history and files) and the campus's targets.
REQUEST_MODELS = ["servicerequest", "servicerequestevent", "servicerequestattachment"]
REQUEST_TARGETS = ["servicetarget"]
# Leases and their rent-free months; their moves and alerts are written by the services only.
LEASE_MODELS = ["lease", "leasesubsidy", "invoice", "payment"]
LEASE_RECORDS = [
    "leasetransition",
    "leasealert",
    "invoiceline",
    "invoicereminder",
    "invoicesequence",
    "paymentallocation",
    "statementimport",  # bank statements as read, applied on /staff/finance/import/
]
# Bookable rooms and instruments, their opening hours and who is trained on them.
BOOKING_MODELS = ["resource", "openinghours", "training"]
# Bookings are written by residents and by the bookings service: staff take steps on them
# (confirm, decline, cancel, record a check-in), never edit or add one, so "change" is the most.
BOOKING_STEPS = ("change", "view")
BOOKING_RECORDS = ["booking"]
BOOKING_READ = ["bookingseries"]
# The system's workings, listed under "System" in the admin (portal.admin_site) and given only to
# the roles that run the system or audit it: schedules, failed jobs, sign-in lock-outs (django-axes),
# the e-mail and event outboxes and webhook deliveries.
SCHEDULE_MODELS = ["periodictask", "crontabschedule", "intervalschedule", "clockedschedule", "solarschedule"]
OPERATIONS = [("portal", ["failedjob"]), ("axes", ["accessattempt", "accessfailurelog", "accesslog"])]
OUTBOXES = [("tenants", ["notification", "domainevent"]), ("partners", ["webhookdelivery", "webhookattempt"])]


def _grant(app: str, models: list[str], actions: tuple[str, ...]) -> list[tuple[str, str, str]]:
    return [(app, model, action) for model in models for action in actions]


ROLES: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "campus_manager": (
        _("Campus manager"),
        _grant("campus", CAMPUS_MODELS, ALL)
        + _grant("tenants", TENANT_MODELS, ALL)
        + _grant("partners", PARTNER_MODELS, ALL)
        + _grant("advisory", ADVISORY_MODELS, ALL)
        + _grant("residents", FRONT_DESK_MODELS, EDIT)
        + _grant("residents", RESIDENT_MODELS, ALL)
        + _grant("residents", RESIDENT_RECORDS, VIEW)
        + _grant("residents", STAGE_MODELS, ALL)
        + _grant("residents", REQUEST_MODELS + REQUEST_TARGETS, ALL)
        + _grant("residents", LEASE_MODELS, ALL)
        + _grant("residents", LEASE_RECORDS, VIEW)
        + _grant("residents", BOOKING_MODELS, ALL)
        + _grant("residents", BOOKING_RECORDS, BOOKING_STEPS)
        + _grant("residents", BOOKING_READ, VIEW),
    ),
    "screening_officer": (
        _("Screening officer"),
        _grant("tenants", ["company", "application", "onboardingplan", "onboardingtask", "compliancedocument"], EDIT)
        + _grant(
            "tenants",
            ["applicationcontact", "applicationdocument", "applicationtransition", "applicationedit"],
            VIEW,
        )
        + _grant("tenants", ["intakebatch"], VIEW)
        + _grant("campus", CAMPUS_MODELS, VIEW)
        + _grant("advisory", ["review", "advisorymember"], VIEW)
        # Reviews milestone reports (accepts, sends back, names a reviewer); staff who run the campus move stages.
        + _grant("residents", ["milestonereport"], ("change", "view"))
        + _grant("residents", ["stagemilestone", "milestoneevidence", "stagetransition"], VIEW),
    ),
    "space_manager": (
        _("Space manager"),
        _grant("campus", ["building", "space", "allocation"], ALL)
        + _grant("campus", ["campus", "campustarget"], VIEW)
        + _grant("tenants", ["company"], VIEW),
    ),
    "partnerships_manager": (
        _("Partnerships manager"),
        _grant("partners", PARTNER_MODELS, ALL) + _grant("tenants", ["company", "application"], VIEW),
    ),
    # Visitors and deliveries at /staff/frontdesk/, and the day's room bookings at /staff/bookings/
    # (check-ins, no-shows), and nothing else: no applications, no companies' files.
    # residents.services.frontdesk knows the group by this (English) name.
    "front_desk": (
        _("Front desk"),
        _grant("residents", FRONT_DESK_MODELS, EDIT)
        + _grant("residents", BOOKING_RECORDS, BOOKING_STEPS)
        + _grant("residents", ["resource"], VIEW),
    ),
    # The core facility: rooms and instruments, their hours and prices, trainings, and the bookings
    # waiting for approval; reads the spaces a resource stands in.
    "facility_manager": (
        _("Facility manager"),
        _grant("residents", BOOKING_MODELS, ALL)
        + _grant("residents", BOOKING_RECORDS, BOOKING_STEPS)
        + _grant("residents", BOOKING_READ, VIEW)
        + _grant("campus", ["campus", "building", "space"], VIEW),
    ),
    "service_desk": (
        _("Service desk"),
        # Works the queue (replies, notes, states, assignment); reads the targets and the companies.
        _grant("residents", REQUEST_MODELS, EDIT)
        + _grant("residents", REQUEST_TARGETS, VIEW)
        + _grant("tenants", ["company"], VIEW)
        + _grant("campus", ["campus", "building"], VIEW),
    ),
    # The campus's money: leases, invoices and payments; reads the spaces and companies they bill.
    "finance": (
        _("Finance"),
        _grant("residents", LEASE_MODELS, ALL)
        + _grant("residents", LEASE_RECORDS, VIEW)
        + _grant("residents", [*BOOKING_RECORDS, "resource"], VIEW)  # what a booking line bills
        + _grant("tenants", ["company"], VIEW)
        + _grant("campus", CAMPUS_MODELS, VIEW),
    ),
    "auditor": (
        _("Auditor (read-only)"),
        _grant("campus", CAMPUS_MODELS, VIEW)
        + _grant("tenants", TENANT_MODELS, VIEW)
        + _grant("partners", PARTNER_MODELS, VIEW)
        + _grant("advisory", ADVISORY_MODELS, VIEW)
        + _grant("residents", FRONT_DESK_MODELS, VIEW)
        + _grant("residents", RESIDENT_MODELS + RESIDENT_RECORDS, VIEW)
        + _grant("residents", STAGE_MODELS, VIEW)
        + _grant("residents", REQUEST_MODELS + REQUEST_TARGETS, VIEW)
        + _grant("residents", LEASE_MODELS + LEASE_RECORDS, VIEW)
        + _grant("residents", BOOKING_MODELS + BOOKING_RECORDS + BOOKING_READ, VIEW)
        + _grant("django_celery_beat", SCHEDULE_MODELS, VIEW)
        + [grant for app, models in OPERATIONS + OUTBOXES for grant in _grant(app, models, VIEW)],
    ),
    # Runs the system: the schedules, failed jobs and lock-outs (clearing one lets a person sign in
    # again), the outboxes; nothing of the campus's own records.
    "system_operator": (
        _("System operator"),
        _grant("django_celery_beat", SCHEDULE_MODELS, ALL)
        + [grant for app, models in OPERATIONS for grant in _grant(app, models, ("view", "delete"))]
        + [grant for app, models in OUTBOXES for grant in _grant(app, models, VIEW)],
    ),
}


def group_name(role: str) -> str:
    """The role's group, stored under its English name whatever language the request speaks."""
    from django.utils import translation

    with translation.override("en"):
        return str(ROLES[role][0])


def ensure_roles(sender=None, using: str = "default", **kwargs) -> None:
    """Create each role's group and give it exactly the role's permissions."""
    from django.contrib.auth.models import Group, Permission
    from django.utils import translation

    with translation.override("en"):
        for label, grants in ROLES.values():
            group, _created = Group.objects.using(using).get_or_create(name=str(label))
            wanted = {(app, f"{action}_{model}") for app, model, action in grants}
            permissions = [
                permission
                for permission in Permission.objects.using(using).select_related("content_type")
                if (permission.content_type.app_label, permission.codename) in wanted
            ]
            group.permissions.set(permissions)
