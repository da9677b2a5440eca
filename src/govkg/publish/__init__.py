"""Publishing the graph: dataset metadata (VoID, DCAT), dumps, ontology documentation and a
static copy of the linked-data site (``govkg publish``)."""
