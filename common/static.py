"""Static files as served in production: WhiteNoise's compressed files named by their content (the manifest)."""

from __future__ import annotations

import functools

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, each file's URL worked out once per process.

    The manifest is read when the storage starts and does not change while the process runs, and a
    page asks for the same few dozen URLs every time (an admin list: some 60, and an icon per row),
    each costing a lookup, a split and a quote.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._url_of = functools.lru_cache(maxsize=4096)(super().url)

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        return self._url_of(name)
