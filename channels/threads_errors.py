"""Threads API failures, mapped once into the channel error tree.

The Threads API (graph.threads.net) answers with Graph's error object, its ``type``
``THApiException`` (``{"error": {"message", "type", "code", "error_subcode",
"fbtrace_id"}}``), so :func:`channels.graph_errors.graph_error` reads it: 190 and
200-299 refuse the token, 4/17/32/613 ask to slow down, 1/2 and 5xx are transient, 100
(an invalid parameter; 100/33 an object that does not exist) and every other code
reject the post.  What Threads adds::

    answer                                   kind
    24 / 4279009 "Media Not Found"           Transient, never landed: threads_publish
        (a container just made, not yet      was given a container Threads cannot
        visible to threads_publish)          see yet; publishing it later works
    more than 5 links (from 2025-12-22,      Rejected (code 100 as Graph maps it): the
        THREADS_API__LINK_LIMIT_EXCEEDED)    text must change; validate() refuses first
    a container whose status is ERROR or     Rejected with its error_message (read by
        EXPIRED                              the channel's wait, not an HTTP error)
"""

from __future__ import annotations

from .base import ChannelError, Transient
from .error_map import ErrorMapping, Failure
from .graph_errors import graph_failure

#: threads_publish on a container Threads has not found yet (seen a few seconds after it
#: was created); the same call succeeds once the container is visible.
CONTAINER_NOT_FOUND = "24/4279009"


def threads_failure(failure: Failure) -> ChannelError:
    """Threads' part of the mapping: Graph's table, with the container not yet found
    transient and never landed.  ``write`` says whether the call could have made a post
    public (``threads_publish``)."""
    error = graph_failure(failure)
    if error.code == CONTAINER_NOT_FOUND:
        return Transient(error.message, may_have_landed=False, code=error.code, http_status=error.http_status)
    return error


#: The mapping of one failed Threads call (the arguments of
#: :class:`channels.error_map.ErrorMapping`).
threads_error = ErrorMapping(threads_failure)
