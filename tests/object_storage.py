"""A real S3-compatible server on 127.0.0.1 (moto in server mode) that the tests start themselves,
and a fresh private bucket on it for each test that asks for one.

``bucket`` switches the portal's private documents to that bucket with the settings a deployment
uses (``portal.settings.base._s3_storage`` read from S3_* variables), so what is tested is the
configuration the README documents, over real HTTP.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import boto3
import pytest

REGION = "us-east-1"
PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}


@dataclass
class Bucket:
    endpoint: str
    name: str
    prefix: str = "documents"
    env: dict[str, str] = field(default_factory=dict)

    @property
    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=self.env["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["S3_SECRET_ACCESS_KEY"],
        )

    def names(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, name: str) -> bytes:
        """The bytes stored for the document whose file name (in the database) is ``name``."""
        return self.client.get_object(Bucket=self.name, Key=f"{self.prefix}/{name}")["Body"].read()

    def head(self, name: str) -> dict:
        return self.client.head_object(Bucket=self.name, Key=f"{self.prefix}/{name}")

    def public_grants(self, name: str) -> list[dict]:
        grants = self.client.get_object_acl(Bucket=self.name, Key=f"{self.prefix}/{name}")["Grants"]
        return [grant for grant in grants if grant["Grantee"].get("URI") in PUBLIC_GROUPS]


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint of an S3-compatible server on a free 127.0.0.1 port, for the whole test run."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch) -> Bucket:
    """A new private bucket (public access blocked, as the README asks), holding this test's documents."""
    from portal.settings.base import _s3_storage

    bucket = Bucket(
        endpoint=s3_server,
        name=f"icampus-{uuid.uuid4().hex[:16]}",
        env={
            "S3_BUCKET": "",
            "S3_ENDPOINT_URL": s3_server,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": "portal-test-key",
            "S3_SECRET_ACCESS_KEY": "portal-test-secret",
        },
    )
    bucket.env["S3_BUCKET"] = bucket.name
    for name, value in bucket.env.items():
        monkeypatch.setenv(name, value)
    bucket.client.create_bucket(Bucket=bucket.name)
    bucket.client.put_public_access_block(
        Bucket=bucket.name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    settings.STORAGES = {**settings.STORAGES, "private": _s3_storage()}
    return bucket
