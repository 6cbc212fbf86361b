"""Backups: one dated archive holding a consistent copy of the database and the evidence files,
its checksums, restoring it into an empty instance, and keeping the last ones (`tracker backup`,
`tracker restore`, the scheduler's nightly job)."""
