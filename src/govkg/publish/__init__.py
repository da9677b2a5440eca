"""Publishing the graph: a static copy of the linked-data site (``govkg publish``), crawled from
the app (:func:`govkg.server.app.create_app`), and its Apache configuration.  What is published
(pages, dumps, VoID/DCAT, ontology documentation) is made by :mod:`govkg.site`."""
