"""The roles an officer holds: the words `core.permissions` decides with (stored by people)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    CHAIRPERSON = "chairperson"
    VICE_CHAIRPERSON = "vice_chairperson"
    FOCAL_OFFICER = "focal_officer"
    OFFICER = "officer"
    INSPECTOR = "inspector"
    # Quản trị đơn vị: manages their own unit's officers, calendar and settings (no plans).
    UNIT_ADMIN = "unit_admin"
