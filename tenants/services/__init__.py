"""Business actions of the tenants app, one module per feature, as in ``tenants.models``.

Views, forms, the admin, jobs and higher apps import the feature's module
(``tenants.services.applications``); this package re-exports nothing.
"""
