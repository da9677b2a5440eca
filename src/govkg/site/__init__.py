"""The site, web-neutral: the IRI layout, the document formats, resource descriptions, HTML pages,
dumps, dataset metadata, ontology documentation and the list of paths.

Both the live server (:mod:`govkg.server`) and the static copy (:mod:`govkg.publish`) build on it;
it imports neither.
"""
