"""The Commonplace domain: aggregates, events, vocabularies and the Archive application.

Pure Python plus ``eventsourcing``: nothing here knows about HTTP, databases,
search engines or object storage.
"""
