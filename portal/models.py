"""The portal app has no models; this module lets it receive post_migrate (staff roles)."""
