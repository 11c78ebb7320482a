"""Pages of the tenants app, one module per feature, as in ``tenants.models``.

``tenants.urls`` routes them; no other app imports them (a higher app that needs the applicant
this browser follows calls ``tenants.applicants.applicant_from``).
"""
