"""Media in S3-compatible object storage (AWS S3, MinIO, Cloudflare R2, …) through boto3.

Signature Version 4 is set explicitly: with a custom endpoint boto3 may
otherwise sign presigned URLs with the obsolete SigV2. Path-style addressing
keeps MinIO and other self-hosted servers working without DNS tricks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from domain.ports.media import CHUNK, MediaStore, MediaStoreUnavailable, UploadTarget

UNREACHABLE = (BotoCoreError,)


class S3MediaStore(MediaStore):
    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key: str | None = None,
        secret_key: str | None = None,
        prefix: str = "",
        expires_in: int = 300,
        download_expires_in: int = 60,
        connect_timeout: float = 3.0,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.expires_in = expires_in
        self.download_expires_in = download_expires_in
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                connect_timeout=connect_timeout,
                read_timeout=30,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )

    def _key(self, key: str) -> str:
        return self.prefix + key

    def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except UNREACHABLE as error:
            raise MediaStoreUnavailable(f"Object storage is unreachable: {error}") from error
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if status >= 500:
                raise MediaStoreUnavailable(f"Object storage failed: {error}") from error
            raise

    def ensure_bucket(self) -> None:
        try:
            self._call("head_bucket")
        except ClientError:
            self._call("create_bucket")

    def put(self, key: str, data: IO[bytes], content_type: str) -> None:
        try:
            self.client.upload_fileobj(
                data, self.bucket, self._key(key), ExtraArgs={"ContentType": content_type}
            )
        except UNREACHABLE as error:
            raise MediaStoreUnavailable(f"Object storage is unreachable: {error}") from error

    def size(self, key: str) -> int | None:
        try:
            head = self._call("head_object", Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return int(head["ContentLength"])

    def read(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        try:
            body = self._call("get_object", Key=self._key(key))["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise FileNotFoundError(key) from None  # as the local store does
            raise
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=self._key(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
                for item in page.get("Contents", []):
                    yield item["Key"][len(self.prefix) :]
        except UNREACHABLE as error:
            raise MediaStoreUnavailable(f"Object storage is unreachable: {error}") from error

    def copy(self, source: str, target: str, content_type: str) -> None:
        try:
            self.client.copy(
                {"Bucket": self.bucket, "Key": self._key(source)},
                self.bucket,
                self._key(target),
                ExtraArgs={"ContentType": content_type, "MetadataDirective": "REPLACE"},
            )
        except UNREACHABLE as error:
            raise MediaStoreUnavailable(f"Object storage is unreachable: {error}") from error

    def presign(self, method: str, params: dict[str, Any], expires_in: int) -> str:
        url: str = self.client.generate_presigned_url(
            method, Params={"Bucket": self.bucket, **params}, ExpiresIn=expires_in
        )
        return url

    def upload_target(self, key: str, content_type: str, size: int, part_size: int) -> UploadTarget:
        full_key = self._key(key)
        if size <= part_size:
            url = self.presign(
                "put_object", {"Key": full_key, "ContentType": content_type}, self.expires_in
            )
            return UploadTarget(
                "PUT", url, {"Content-Type": content_type}, expires_in=self.expires_in
            )
        started = self._call("create_multipart_upload", Key=full_key, ContentType=content_type)
        upload_id = started["UploadId"]
        count = -(-size // part_size)
        urls = [
            self.presign(
                "upload_part",
                {"Key": full_key, "UploadId": upload_id, "PartNumber": number},
                self.expires_in,
            )
            for number in range(1, count + 1)
        ]
        return UploadTarget(
            "PUT",
            None,
            {},
            multipart_id=upload_id,
            part_urls=urls,
            part_size=part_size,
            expires_in=self.expires_in,
        )

    def finish_multipart(self, key: str, multipart_id: str, parts: list[dict[str, object]]) -> None:
        ordered = sorted(parts, key=lambda p: int(str(p["part_number"])))
        self._call(
            "complete_multipart_upload",
            Key=self._key(key),
            UploadId=multipart_id,
            MultipartUpload={
                "Parts": [
                    {"ETag": str(p["etag"]), "PartNumber": int(str(p["part_number"]))}
                    for p in ordered
                ]
            },
        )

    def download_url(self, key: str, content_type: str, disposition: str) -> str | None:
        return self.presign(
            "get_object",
            {
                "Key": self._key(key),
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
            },
            self.download_expires_in,
        )
