## People's congress deputies: deputy code, pushes, supervision, duty day, points (issue 4)

menu-deputies = 🧑‍⚖️ Find a deputy
card-supervised = 🔔 Supervised by a people's deputy
actor-deputy = deputy
event-supervised = { $time } · { $who } supervises

## Invitation links
invite-unknown = Sorry, this invitation link is not valid. Please ask an administrator for a new one.
invite-used = This invitation link has already been used. Ask an administrator for a new one to link again.
invite-expired = This invitation link has expired. Please ask an administrator for a new one.
invite-welcome-deputy =
    ✅ Linked! Welcome, deputy { $name }.
    Citizens' requests from your constituency will be sent to you; reply to a citizen's message to answer it.
    Send /settings to choose how you are notified.
invite-welcome-worker = ✅ Linked: you are registered as a grid worker of “{ $name }”.
invite-welcome-official = ✅ Linked: you are registered as an official of “{ $name }”.

## Citizens reaching a deputy
dep-about =
    🧑‍⚖️ <b>{ $name }</b> ({ $level } people's deputy)
    Liaison station: { $station }
    Constituency: { $constituency }
    Duty day: the { $day } of every month
dep-write-prompt = Write what you would like to tell the deputy (up to { $max_chars } characters), or send /cancel.
dep-write-invalid = Please write your matter as text (2 to { $max_chars } characters), or send /cancel.
dep-write-sent = ✅ Passed on to deputy { $name }. Their answer will appear here; reply to it to continue.
dep-write-kept = ✅ Recorded. Deputy { $name } is not online yet; the liaison station will pass your message on.
dep-unknown-code = Sorry, no deputy has this code. Pick “Find a deputy” in the menu.
dep-none = No deputies are registered yet.
dep-list-title = Which deputy would you like to contact?
dep-list-item = { $name } ({ $level }) · { $constituency }
dep-cancelled = Cancelled.
dep-followup-sent = ✅ Passed on to deputy { $name }.

## What deputies receive
dep-inbox-new =
    📨 <b>Message from a citizen</b> #{ $number } ({ $name })
    { $text }

    Reply to this message to answer.
dep-inbox-followup =
    📨 <b>Citizen's follow-up</b> #{ $number } ({ $name })
    { $text }
dep-answer-to-citizen =
    🧑‍⚖️ <b>Deputy { $deputy } answers</b>
    { $text }

    Reply to this message to continue.
dep-admin-unlinked = 📨 A citizen wrote to deputy { $deputy }, who is not linked yet (#{ $number }). Pass it on, or create an invitation for the deputy.
dep-reply-invalid = Please answer with text (up to { $max_chars } characters).
dep-reply-sent = ✅ Passed on to the citizen.
dep-btn-convert = 📝 Make it an issue
dep-converted = ✅ Now issue { $ref }, handed to the grid. You will receive every step.
dep-already-converted = This message is already an issue.
dep-not-deputy = This is for linked people's deputies only.

## Pushes and supervision
dep-push-title = 🔔 <b>Constituency issue</b> { $ref } · { $what }
dep-push-you-supervise = 🔔 You are supervising this issue
dep-notice-submitted = new
dep-notice-escalated = escalated
dep-notice-overdue = overdue
dep-notice-unsatisfied = citizen unsatisfied, reopened
dep-notice-step = progress
dep-step-submitted = new
dep-step-claimed = claimed
dep-step-answered = the grid answered
dep-step-citizen-replied = citizen follow-up
dep-step-resolved = resolved
dep-step-rated = rated by the citizen
dep-step-explained = explained to the citizen
dep-step-handled = handled by the grid (deadline and person set)
dep-step-assigned = assigned to a department
dep-step-escalated = escalated one level up
dep-step-auto-escalated = escalated automatically (overdue)
dep-step-sent-back = sent back one level down
dep-btn-supervise = 🔔 Supervise
dep-btn-detail = 📄 Details
dep-supervise-done = ✅ You supervise { $ref }. The grid has been told; you will receive every later step.
dep-already-supervised = A deputy already supervises { $ref }.
dep-supervising-grid = 🔔 <b>{ $level } people's deputy { $deputy } is supervising issue { $ref }</b>. Please handle it promptly and report back.
dep-supervising-assignee = 🔔 People's deputy { $deputy } is supervising issue { $ref }, which you are responsible for.

## Notification settings
dep-settings-title = How constituency issues reach you:
dep-mode-default = Default: urgent ones at once, the rest in a daily digest
dep-mode-all = Everything at once
dep-mode-digest = Daily digest only
dep-mode-off = Off
dep-settings-saved = Saved

## Daily digest
digest-title = 📋 <b>Constituency digest</b> ({ $date }), { $count } issues:
digest-item = · { $ref } { $grid } · { $what } · { $status }

## Duty day
duty-theme = This month's theme: { $theme }
duty-eve-text =
    📅 <b>Tomorrow ({ $date }) is the duty day</b>
    Deputy { $name }, please plan a visit to your constituency ({ $constituency }).
duty-day-text =
    📅 <b>Today ({ $date }) is the duty day</b>
    Deputy { $name }, please visit your constituency ({ $constituency }) today.
    Constituency issues: { $open } open, { $overdue } overdue, { $new } new in the last month.
    Log your visit with the button below when you are done.
dep-btn-log-visit = 📝 Log the visit

## Logging a visit
visit-ask-residents = How many residents did you meet? Please send a number.
visit-residents-invalid = Please send a number, e.g. 12.
visit-ask-places = Which places did you visit?
visit-text-invalid = Please answer with text (up to { $max_chars } characters), or send /cancel.
visit-ask-notes = Any notes on the visit? (optional)
dep-btn-skip = Skip
visit-ask-matters = Matters collected: send one message per matter (at most { $max_matters }). Press “Done” when finished.
visit-matter-noted = Matter { $count } noted. Send the next one, or press “Done”.
visit-matter-invalid = Each matter as text (2 to { $max_chars } characters), at most { $max_matters }. Press “Done” to save.
dep-btn-visit-done = ✅ Done
visit-saved = ✅ Visit logged: { $residents } residents met, { $matters } matters collected. Each can become an issue below.
visit-matter = 📌 { $text }
dep-btn-matter-issue = 📝 Make it an issue

## Monthly theme (administrators)
theme-admins-only = Only administrators can set a station's monthly theme.
theme-usage =
    Usage: /theme STATION-CODE [YYYY-MM] theme
    e.g. /theme S-GC Old neighbourhood renovation
    { $stations }
theme-unknown-station = No liaison station has the code { $code }.
theme-set = ✅ Theme of { $station } for { $period }: { $theme }

## Performance points (quarterly)
quarter-deputy =
    🏅 <b>{ $quarter } performance points</b>
    Deputy { $name }, { $total } points this quarter.
    { $months }
quarter-month = { $month }: { $points } points
quarter-admin-title = 🏅 <b>{ $quarter } deputies' performance points</b> ({ $count } deputies, table attached)
quarter-admin-row = { $rank }. { $name } ({ $station }) { $total } points
quarter-admin-file = { $quarter } deputies' performance points
