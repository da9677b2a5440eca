"""govkg ingest: from a news article to candidate facts for review (see model.py)."""
