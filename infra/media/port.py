"""Moved to :mod:`domain.ports.media`; this name stays while other modules move over."""

from domain.ports.media import CHUNK, MediaStore, MediaStoreUnavailable, UploadTarget

__all__ = ["CHUNK", "MediaStore", "MediaStoreUnavailable", "UploadTarget"]
