"""A roster upload between its preview and its confirmation (services/roster_import.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.models.base import Base, utcnow


class RosterUpload(Base):
    """The files a coordinator previewed, kept server-side until they confirm (or an hour
    passes): a random id names it, only its coordinator can confirm it, in its term."""

    __tablename__ = "roster_upload"

    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"))
    # role -> {"name": the file's name, "text": its decoded text, "encoding": "utf-8"|"cp949"}
    files: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
