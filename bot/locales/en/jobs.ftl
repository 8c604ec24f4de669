# A scheduled job's one-line summary: logged (in English), and shown by `gridline jobs run` and the sandbox's clock.
job-already-run = occurrence { $slot } already run (by another instance, or before)
job-lookback = asked { $first } citizens for the 回访, { $again } of them again
job-warn-yellow = yellow warnings: { $issues } issues
job-reminders = queued { $sent } reminders, recorded { $missed } missed
job-deputy-digest-not-yet = not yet time
job-deputy-digest = queued { $sent } digests
job-quarterly-none-sent = nothing due now ({ $quarter }'s report was due in this quarter's first week; none was sent)
job-quarterly-done = nothing due now ({ $quarter }: { $sent } sent, { $missed } missed)
job-quarterly-sent = { $quarter }: queued { $queued } summaries
job-quarterly-missed = { $quarter }: past the quarter's first week, none sent (recorded as missed; queued { $queued })
job-outbox-prune = pruned { $pruned } delivered messages older than { $days } days
job-due-soon = due-soon reminders: { $sent } messages
job-overdue = overdue alerts: { $sent } messages
job-auto-escalate = escalated { $issues } overdue issues
job-daily-digest = digests: { $groups } groups
job-drafts-prune = forgot { $forgotten } conversations untouched for { $days } days (unfinished report drafts included)
