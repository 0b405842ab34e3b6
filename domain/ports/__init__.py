"""The ports: what the application needs from the world, each a small typed interface.

``infra/`` holds the adapters that implement them and ``infra/bootstrap.py`` injects
those adapters; tests use in-memory fakes. The application (``domain/app/``) and
the model import these modules, never an adapter.

- ``search``: the search index (``SearchIndex``), its query and result values, and
  the indexer's reported status (``IndexerStatus``);
- ``media``: the media store (``MediaStore``) and the inspection of uploaded bytes
  (``MediaInspector``: real type, duration, images re-encoded in isolation);
- ``fetcher``: reading and posting JSON to other sites (``Fetcher``) and its errors;
- ``clock``: the time (``Clock``);
- ``publications``: the public records read model (``PublicRecords``);
- the outbox port (``Outbox``, ``Notifier``) is :mod:`domain.outbox`.
"""
