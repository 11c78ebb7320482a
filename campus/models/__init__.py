"""Campuses, buildings, spaces and allocations, with the invariants that always hold, one module per area.

Workflows (allocating a space) live in ``services.py``; reads shared by several callers
(free spaces) live in ``selectors.py`` and in the query sets of ``spaces.py``.
"""

from .allocations import Allocation, AllocationQuerySet
from .campuses import Campus, CampusTarget
from .lookup_codes import KeepsLookupCodes, connect_lookup_codes
from .lookups import BusinessArea, ChoiceLookup, Gas, PlatformStage, chinese_requested, sync_lookups
from .spaces import LAB_KINDS, Building, Space, SpaceQuerySet

__all__ = [
    "LAB_KINDS",
    "Allocation",
    "AllocationQuerySet",
    "Building",
    "BusinessArea",
    "Campus",
    "CampusTarget",
    "ChoiceLookup",
    "Gas",
    "KeepsLookupCodes",
    "PlatformStage",
    "Space",
    "SpaceQuerySet",
    "chinese_requested",
    "connect_lookup_codes",
    "sync_lookups",
]
