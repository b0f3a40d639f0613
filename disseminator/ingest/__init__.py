"""Ingest: articles from outside the project (feeds, web pages).  It produces articles and
queues posts through the planner; it never posts itself."""
