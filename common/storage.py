"""Where private documents are kept: ``STORAGES["private"]``.

By default a local folder (``PRIVATE_MEDIA_ROOT``), which serves one machine. With ``S3_BUCKET`` set,
an S3-compatible bucket (django-storages), so every web machine and worker reads what any of them
wrote. Either way no document has a public URL: they leave only through permission-checked views,
streamed by Django or, with ``DOCUMENT_DOWNLOAD_REDIRECT``, as a presigned URL that expires within
a minute.

Model fields hold ``private_storage``, which looks the backend up again whenever the ``STORAGES``
setting changes, so a field defined at import follows the settings of the process that uses it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class LocalPrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (read at each use); they have no URL at all."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a permission-checked view.")

    def listdir(self, path):
        try:
            return super().listdir(path)
        except FileNotFoundError:  # nothing stored yet
            return [], []


class PrivateStorage(LazyObject):
    """``STORAGES["private"]``, looked up on first use and again after the setting changes."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()

# Where /readyz writes and deletes a probe; backups leave it out.
PROBE_FOLDER = "readyz"


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting in {"STORAGES", "PRIVATE_MEDIA_ROOT"}:
        private_storage._wrapped = empty


def is_object_storage(storage=private_storage) -> bool:
    """Whether documents are in a bucket, where a presigned URL can hand a download to the bucket."""
    return hasattr(storage, "bucket_name")


def stored_names(storage=private_storage, path: str = "") -> Iterator[str]:
    """Every file's name in ``storage`` below ``path``, depth first, in name order."""
    directories, files = storage.listdir(path)
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from stored_names(storage, f"{path}/{directory}" if path else directory)
