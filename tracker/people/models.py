"""Units (ward, city, province) and the officers who work in them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.audit import Audited
from tracker.core.clock import utcnow
from tracker.core.roles import Role
from tracker.core.types import UTCDateTime
from tracker.extensions import db


class UnitKind(enum.StrEnum):
    """Since 1 July 2025 a province oversees its communes, wards and special zones directly;
    older data keeps its district level (quận, huyện, thị xã, thành phố thuộc tỉnh)."""

    WARD = "ward"  # phường
    COMMUNE = "commune"  # xã
    CITY = "city"  # thành phố (thuộc tỉnh, or trực thuộc trung ương)
    PROVINCE = "province"  # tỉnh
    DISTRICT = "district"  # quận, huyện
    TOWN = "town"  # thị xã
    TOWNSHIP = "township"  # thị trấn
    SPECIAL_ZONE = "special_zone"  # đặc khu
    # Above every province: where the system administrator of a national installation sits.
    NATIONAL = "national"  # cả nước


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as the value ("chairperson"), checked by a named constraint on every engine.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


class Unit(Audited, db.Model):
    """A ward, commune, city or province. Audited: its settings change how figures count."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    # The name as printed on documents ("Phường Vĩnh Hòa"); the short one for narrow places.
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind, "unit_kind"), default=UnitKind.WARD)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Whether a deadline moved after it had passed makes a late completion on time; None
    # takes the setting of the unit above (off at the top). See tasks.deadlines.
    late_extension_counts: Mapped[bool | None]
    # The roles that must log in in two steps, comma-separated ("" none); None takes the unit
    # above's, and at the top the server's TRACKER_2FA_ROLES. See people/two_step.py.
    two_step_roles: Mapped[str | None] = mapped_column(String(200))
    # A closed unit keeps all its data but takes no new plans, officers or units (people.units).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Merged into a new unit (people.merging): closed, its officers and open plans there.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Unit | None] = relationship(
        remote_side=[id], back_populates="children", foreign_keys=[parent_id]
    )
    children: Mapped[list[Unit]] = relationship(
        back_populates="parent", foreign_keys=[parent_id]
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def audit_unit_id(self) -> int | None:
        return self.id

    def audit_label(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class UnitCalendarDay(Audited, db.Model):
    """A unit's exception to the national calendar: an extra day off or a make-up working day."""

    __tablename__ = "unit_calendar_days"
    __table_args__ = (UniqueConstraint("unit_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    day: Mapped[date]
    is_working_day: Mapped[bool]
    note: Mapped[str] = mapped_column(String(200), default="")
    # Withdrawn exceptions are kept, not deleted, like everything users change.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def audit_unit_id(self) -> int | None:
        return self.unit_id


class OfficerRole(db.Model):
    __tablename__ = "officer_roles"

    officer_id: Mapped[int] = mapped_column(
        ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), primary_key=True)


class Officer(Audited, UserMixin, db.Model):
    """An officer who logs in. Audited: who added, edited, deactivated or moved them, when
    (never the password hash, nor the session counter)."""

    __tablename__ = "officers"
    __audit_exclude__ = frozenset({"created_at", "password_hash", "session_version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")  # chức vụ
    department: Mapped[str] = mapped_column(String(200), default="", server_default="")  # bộ phận
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change so other sessions of the same officer stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    # Reminder emails (in-app reminders cannot be turned off).
    email_reminders: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The last invitation email: a link of an earlier one no longer works (people.links).
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()
    # Loaded with the session's officer (auth) and where a page lists roles; not for every
    # lead or supporter a page shows.
    role_rows: Mapped[list[OfficerRole]] = relationship(
        cascade="all, delete-orphan", order_by=OfficerRole.role
    )

    # Unread in-app notices, counted when the session's officer is loaded (auth).
    unread_notifications = 0
    # The key of the session this officer object was loaded for, or was logged in with.
    session_key = ""

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return any(row.role in roles for row in self.role_rows)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive officers
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}:{self.session_key}"

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return self.full_name

    def __repr__(self) -> str:
        return f"<Officer {self.email}>"


class TokenScope(enum.StrEnum):
    """What an API token may do: read, or read and write (the officer's permissions still apply)."""

    READ = "read"
    WRITE = "write"


class ApiToken(Audited, db.Model):
    """A bearer token for the API; only its SHA-256 is kept. Audited (created, revoked); its
    last use is not (every call would write an audit row)."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)
    __audit_exclude__ = frozenset({"created_at", "last_used_at", "token_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    scope: Mapped[TokenScope] = mapped_column(
        _enum(TokenScope, "token_scope"), default=TokenScope.READ, server_default="read"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    officer: Mapped[Officer] = relationship()

    def audit_unit_id(self) -> int | None:
        return self.officer.unit_id if self.officer is not None else None

    def audit_label(self) -> str:
        return self.name


class LoginAttempt(db.Model):
    """One attempt to log in, for throttling (people/throttle.py): by the email typed and by
    the client's address. The audit trail keeps who logged in; this keeps the pace."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
        Index("ix_login_attempts_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))  # as normalised, whether or not it exists
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    success: Mapped[bool]
    # "login", or "reset" for a request of a password-reset letter (paced on its own).
    kind: Mapped[str] = mapped_column(String(16), default="login", server_default="login")


class OfficerSession(db.Model):
    """A logged-in session, kept on the server so that it can end there: at logout (a cookie
    captured before is refused after), after a period of inactivity, when the officer ends it
    from another device, or when the password changes. The cookie holds a random key; only
    its SHA-256 is stored."""

    __tablename__ = "officer_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # logout, ended (by the officer, from the list), idle, password, deactivated
    ended_reason: Mapped[str] = mapped_column(String(30), default="")


class OfficerTotp(db.Model):
    """An officer's authenticator (two-step login, people/two_step.py), switched on once a
    first code confirmed it. `last_step` is the time step of the last code accepted: a code
    is good once, and none older than it."""

    __tablename__ = "officer_totp"

    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    enabled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_step: Mapped[int] = mapped_column(default=0)


class RecoveryCode(db.Model):
    """A single-use code for the second step when the phone is lost; only its SHA-256 is kept
    (the code is random, 80 bits: no slow hash needed)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
