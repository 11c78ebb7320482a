"""Demo data of the residents' features for ``seed_demo``, one module per feature.

Each module has ``seed(campus, companies)``: what that feature shows for the first-batch
residents, made through the services, idempotent (running seed_demo again adds nothing).
"""
