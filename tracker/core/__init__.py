"""Rules shared by every area: time, audit, task status, permissions."""
