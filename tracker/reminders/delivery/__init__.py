"""Recording reminders exactly once, their in-app notices, and the life of the emails that
carry them; one module a step, in the order a reminder goes through them:

    recording.py   record(): inserts the due reminders, skipping any key already there (a
                   concurrent pass's), adds an in-app notice for each one this call inserted,
                   and queues the emails: all in the caller's transaction, so either
                   everything of a pass is recorded or nothing is.
    queueing.py    queue_emails(): an email for every officer with queued reminders and no
                   unsent email; queue_manual(): a leader's prompt, in an email of its own.
    claiming.py    claim(): takes due emails for this sender (pending and due, or a sender's
                   claim that expired), then attaches each officer's queued reminders.
    rechecking.py  which reminders still hold when their email is written.
    digest.py      the leaders' digest of overdue tasks and pending confirmations.
    writing.py     prepare(): writes each claimed email from the reminders that still hold.
    marking.py     mark_sent(), mark_failed(), mark_retry(): what the mail server answered.
    database.py    the insert that skips a row already there, on PostgreSQL and SQLite.

Functions flush, never commit; the job (tracker.reminders.jobs) commits between the steps, so a
claim is visible to other senders before any message leaves, and a message is marked sent only
after the server accepted it. The window left: a crash after the server accepted a message and
before its "sent" was committed sends that one email again once its lease has ended (LEASE);
it goes with the same Message-ID (derived from its key: mail.stable_message_id), so a mail
server or client that drops duplicates shows it once.
"""

from tracker.reminders.delivery.claiming import LEASE, SEND_WINDOW, claim, lease_for
from tracker.reminders.delivery.marking import (
    MAX_BACKOFF,
    mark_failed,
    mark_retry,
    mark_sent,
    retry_delay,
)
from tracker.reminders.delivery.queueing import DAILY, queue_emails, queue_manual
from tracker.reminders.delivery.rechecking import DEADLINE_KINDS, SEQUENCE_KINDS
from tracker.reminders.delivery.recording import Recorded, record
from tracker.reminders.delivery.writing import Outgoing, prepare

__all__ = [
    "DAILY",
    "DEADLINE_KINDS",
    "LEASE",
    "MAX_BACKOFF",
    "SEND_WINDOW",
    "SEQUENCE_KINDS",
    "Outgoing",
    "Recorded",
    "claim",
    "lease_for",
    "mark_failed",
    "mark_retry",
    "mark_sent",
    "prepare",
    "queue_emails",
    "queue_manual",
    "record",
    "retry_delay",
]
