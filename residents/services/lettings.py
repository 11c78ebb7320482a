"""Letting a space to a company: its allocation and the draft lease of it, in one step.

The rules stay where they are: ``campus.services.allocation_create`` allocates (overlaps, area)
and ``residents.services.leases.lease_create`` prepares the lease (term, allocations). This puts
them in one transaction, so a refusal of either leaves nothing behind, and makes a form sent
twice act once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from djmoney.money import Money

from campus.models import Space
from campus.services import allocation_create
from common.actors import Actor
from tenants.models import Company

from ..exceptions import LeaseRefused
from ..models import Lease
from .leases import lease_create
from .payments import company_currency


@transaction.atomic
def space_let(
    *,
    space: Space,
    company: Company,
    starts_on: dt.date,
    ends_on: dt.date | None,
    area_m2: Decimal | None = None,
    submission_key: str | None = None,
    actor: Actor = None,
) -> tuple[Lease, bool]:
    """Allocate ``space`` to ``company`` for the term and prepare its draft lease (rates left at 0).

    Returns the lease and whether this call made it: the form sent again with its
    ``submission_key`` gets the lease its first sending made, and nothing more is written.
    """
    # Writers for one space queue up on its row (allocation_save takes it too), so a second
    # sending waits for the first and then finds its lease.
    list(Space.objects.select_for_update(of=("self",)).filter(pk=space.pk).values_list("pk", flat=True))
    if submission_key:
        made = Lease.objects.filter(submission_key=submission_key).first()
        if made is not None and made.company_id == company.pk and made.allocations.filter(space=space).exists():
            return made, False
        if made is not None:  # a key is never reused for another company or space
            raise LeaseRefused(_("This form was already used for another letting; open it again."))
    if space.building.campus_id != company.campus_id:
        raise LeaseRefused(
            _("Space %(space)s is on another campus than %(company)s.") % {"space": space, "company": company},
            field="space",
        )
    if ends_on is None:
        raise LeaseRefused(_("Give the last day: a lease runs for a term."), field="ends_on")
    allocation = allocation_create(
        space=space, company=company, starts_on=starts_on, ends_on=ends_on, area_m2=area_m2, actor=actor
    )
    currency = company_currency(company)
    lease = lease_create(
        company=company,
        allocations=[allocation],
        starts_on=starts_on,
        ends_on=ends_on,
        rent_rate=Money(0, currency),
        service_charge_rate=Money(0, currency),
        submission_key=submission_key,
        actor=actor,
    )
    return lease, True
