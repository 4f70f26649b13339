"""Test helpers for the real SeaweedFS server: admin client and per-identity clients."""

from __future__ import annotations

import boto3
from botocore.config import Config

from infra.seaweed import S3Identity, SeaweedServer

ADMIN = S3Identity("kawat-admin", "KAWATADMINKEY", "kawat-admin-secret-for-tests", ("Admin",))


def client_for(server: SeaweedServer, identity: S3Identity):  # -> S3Client
    """A boto3 S3 client signing as `identity` (SigV4, path-style), as a partner would build it."""
    return boto3.client(
        "s3",
        endpoint_url=server.endpoint_url,
        aws_access_key_id=identity.access_key,
        aws_secret_access_key=identity.secret_key,
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
    )
