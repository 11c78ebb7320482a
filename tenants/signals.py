"""Domain events of the tenants app. Higher apps (onboarding, partners) subscribe in ready().

Sent after the transaction commits, with primary keys and state names only, by tenants.events
from a DomainEvent row (every call carries ``event_id``). Delivery is at least once: the relay
announces again an event whose announcement failed, so receivers must be idempotent.
"""

from django.dispatch import Signal

# kwargs: application_id, from_status, to_status, transition_id, event_id
application_status_changed = Signal()

# kwargs: company_id, campus_id, application_id, event_id (a DomainEvent of type "company.became_resident")
company_became_resident = Signal()

# kwargs: company_id, campus_id, from_stage, to_stage, transition_id, event_id (a DomainEvent of
# type "company.stage_changed", recorded when staff move a resident to its next platform stage)
company_stage_changed = Signal()
