"""Services own every state change, its transaction and its audit event.

One package per domain (callers write `from ..services import lending`, then
`lending.approve_agreement(...)`, or import the module that owns the verb):

    accounts/       registration, login sessions and throttling, passwords, API tokens, invitations
    organisations/  factories and their staff, sites, reference data (districts, skills, ...)
    shifts/         posting, editing, publishing, closing, the shift list, the factory's pages
    applications/   applying, the waiting list, offers and their expiry, eligibility, attendance
    lending/        lending agreements (共享员工): request, approval, rules, early ends, settlement
    training/       training sessions: publishing, enrolment, completion and the skills it grants
    ranking/        the bridge to matching/: the worker index, weights, candidates, recommendations
    placement/      placement runs: the run, the job that solves it, the problem as arrays
    roster/         roster imports: file, rows, match, plan, write, job, template, reasons
    moderation/     vetting, reviews, skill verification, reports, what moderators read
    notify/         notifications, their messages by kind, the inbox, e-mail delivery
    stats/          return-to-work statistics: queries, figures, the map
    workers/        a worker's own profile, certificates, availability, what the worker pages read
    platform/       the job sweep, backups, spreadsheet exports

Shared by all of them: common.py (commit, free-text fields), audit.py (audit events),
authz.py (policy.py's answer, audited on refusal), leases.py (rows a job works on).
"""
