"""A company's public profile: its directory entry, which its company admins edit in /my/profile/.

Who sees the entry is decided in one place, ``tenants.selectors.directory_companies`` (listed
residents); every change here is a row of the company's audit history, with who made it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from common.actors import Actor, actor_user
from common.errors import DomainError
from common.storage import private_storage
from common.uploads import image_reencoded
from tenants.models import Company, FocusArea

# The longest side of a logo as stored and shown; larger pictures are scaled down.
LOGO_MAX_SIDE = 512
CHANGE_REASON = "Public profile edited by the company"


def logo_drawn(upload) -> bytes:
    """The PNG the portal keeps of an uploaded logo; a refusal names the ``logo`` field."""
    try:
        return image_reencoded(
            upload,
            max_bytes=settings.LOGO_UPLOAD_MAX_BYTES,
            max_pixels=settings.LOGO_MAX_PIXELS,
            max_side=LOGO_MAX_SIDE,
        )
    except ValidationError as error:
        raise DomainError(error.messages[0], field="logo") from None


@transaction.atomic
def profile_update(
    *,
    company: Company,
    description_en: str,
    description_zh_hans: str,
    website: str,
    listed: bool,
    focus_areas: Iterable[FocusArea],
    logo=None,
    logo_remove: bool = False,
    actor: Actor = None,
) -> list[str]:
    """Change the company's directory entry (a new ``logo`` wins over ``logo_remove``).

    Returns the names of the fields that changed; one history row records them, and nothing is
    written when nothing changed.
    """
    drawn = logo_drawn(logo) if logo is not None else None  # decoded before the row is locked
    company = Company.objects.select_for_update().get(pk=company.pk)
    values = {
        "description_en": description_en,
        "description_zh_hans": description_zh_hans,
        "website": website,
        "listed": listed,
    }
    # A translation not written yet reads None: the same as an empty one.
    changed = [name for name, value in values.items() if _or_empty(getattr(company, name)) != _or_empty(value)]
    for name in changed:
        setattr(company, name, values[name])
    if _focus_areas_set(company, focus_areas):
        changed.append("focus_areas")
    old_logo = company.logo.name
    if drawn is not None:
        company.logo.save("logo.png", ContentFile(drawn), save=False)
    elif logo_remove and old_logo:
        company.logo = ""
    if company.logo.name != old_logo:
        changed.append("logo")
        if old_logo:
            transaction.on_commit(lambda: private_storage.delete(old_logo))
    if changed:
        company._history_user = actor_user(actor)
        company._change_reason = CHANGE_REASON
        company.save()
    return changed


def _or_empty(value):
    return "" if value is None else value


def _focus_areas_set(company: Company, focus_areas: Iterable[FocusArea]) -> bool:
    """Set the company's focus areas; whether they changed. Their codes on the row follow, and on
    ``company`` too so its history row shows them (``campus.models.lookup_codes``)."""
    wanted = {area.pk for area in focus_areas}
    if wanted == set(company.focus_areas.values_list("pk", flat=True)):
        return False
    company.focus_areas.set(wanted)
    return True
