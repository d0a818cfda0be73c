"""Platform upkeep shared by every domain: the job sweep (lost jobs run again), SQLite backups,
and the spreadsheet exports.
"""

from .backups import (
    backup_sqlite,
    before_restore_path,
    check_restorable,
    default_backup_path,
    head_revision,
    integrity_problems,
    restore_sqlite,
    sqlite_path,
)
from .exports import association_placements, factory_placements, factory_shifts
from .job_sweep import enqueue, hand_over_unqueued, lost_jobs, mark_enqueued

__all__ = [
    "association_placements",
    "backup_sqlite",
    "before_restore_path",
    "check_restorable",
    "default_backup_path",
    "enqueue",
    "factory_placements",
    "factory_shifts",
    "hand_over_unqueued",
    "head_revision",
    "integrity_problems",
    "lost_jobs",
    "mark_enqueued",
    "restore_sqlite",
    "sqlite_path",
]
