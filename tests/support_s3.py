"""An S3-compatible server on loopback (moto's), for the storage tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass
class S3Server:
    endpoint: str
    region: str = "us-east-1"
    key_id: str = "testing"
    secret: str = "testing"  # moto accepts any credentials

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=self.key_id,
            aws_secret_access_key=self.secret,
        )

    def settings(self, bucket: str, prefix: str = "") -> dict[str, Any]:
        return {
            "storage_url": f"s3://{bucket}/{prefix}",
            "storage_s3_endpoint_url": self.endpoint,
            "storage_s3_region": self.region,
            "storage_s3_access_key_id": self.key_id,
            "storage_s3_secret_access_key": self.secret,
        }


@contextmanager
def s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        server.stop()
