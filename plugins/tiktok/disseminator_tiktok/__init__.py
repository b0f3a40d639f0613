"""TikTok photo posts for Disseminator, as a channel in a package of its own.

``channel`` is the :class:`channels.base.Channel`, ``errors`` maps TikTok's answers into
the error tree, ``sandbox`` emulates the Content Posting API for tests and the demo.
Nothing is imported here, so listing channels imports none of it.
"""
