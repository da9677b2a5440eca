"""A W3C Entity Reconciliation Service over the graph, for OpenRefine and other clients.

- :mod:`~govkg.reconcile.vocabulary`: the types and properties the service speaks of;
- :mod:`~govkg.reconcile.names`: the candidate index (names, codes), built once from the store;
- :mod:`~govkg.reconcile.match`: scoring candidates and deciding a sure match;
- :mod:`~govkg.reconcile.batch`: query batches of versions 0.2 and 1.0-draft, read and checked;
- :mod:`~govkg.reconcile.results`: candidates written in either version's shape;
- :mod:`~govkg.reconcile.manifest`, :mod:`~govkg.reconcile.suggest`,
  :mod:`~govkg.reconcile.preview`, :mod:`~govkg.reconcile.extend`: the other services.

The library speaks no HTTP: :mod:`govkg.server.reconcile` serves it at ``/reconcile``.
"""
