"""Use cases: typed functions that take objects and an actor, do the work and the audit.

No request objects, no flask globals beyond the database session. A rule that is
broken raises `ServiceError` with a message for the person, before anything is written.
"""

from matcher.services.errors import ServiceError

__all__ = ["ServiceError"]
