"""Use cases: typed functions that take objects and an actor, do the work and the audit.

No request objects and no Flask globals: only the database session and the translation
functions for messages (tests/services/test_layers.py checks it). Services change and
flush, never commit: the edge that runs a use case (a view, a command, a worker) commits
it once or rolls all of it back (`matcher.web.util.use_case`). A broken rule raises
`ServiceError` with a message for the person; nothing of the use case is kept.
"""

from matcher.services.errors import ServiceError

__all__ = ["ServiceError"]
