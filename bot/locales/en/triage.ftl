## Triage, escalation, sending back (issue 3)

btn-triage = 🧭 Assess
btn-escalate = ⬆️ Escalate
btn-send-back = ⬇️ Send back
btn-disposition-explain = 💬 Explain
btn-disposition-handle = 🛠 Handle now
btn-disposition-assign = 📤 Assign to a department
disposition-explain = Explained
disposition-handle = Handled by the grid
disposition-assign = Assigned and supervised

card-disposition = Assessment: { $disposition }
card-department = Department: { $department }
card-deadline = Deadline: { $deadline }
card-held-by = ➡️ Now with: { $level }
card-assigned = 📤 <b>Assigned</b> { $ref }
card-escalated = ⬆️ <b>Escalated from below</b> { $ref }
card-auto-escalated = ⏰ <b>Escalated as overdue</b> { $ref }
card-sent-back = ⬇️ <b>Sent back from above</b> { $ref }
card-move-note = 📝 Note: { $note }

triage-menu = 🧭 Assess { $ref }: choose a disposition.
triage-cancelled = Assessment cancelled.
triage-explain-asked = 💬 { $ref }: reply to the message below with the explanation.
triage-choose-deadline = ⏳ { $ref }: choose a deadline (working days, public holidays excluded; ⭐ is the category's default).
deadline-days = { $days } working days ({ $date })
triage-myself = 🙋 Myself ({ $name })
triage-choose-person = 👤 { $ref }: choose the responsible person.
triage-done = { $ref } assessed.
triage-handled = ✅ { $ref } will be handled by the grid; the citizen has been told the deadline and who is responsible.
triage-no-departments = No departments are configured at this level. Add them under departments in the organisation file.
triage-choose-department = 📤 { $ref }: choose the department.
triage-assigned = ✅ { $ref } assigned; the department has the card and this group keeps supervising.
explain-prompt = <a href="tg://user?id={ $user_id }">{ $name }</a>, <b>reply to this message</b> with the explanation for { $ref }; it goes to the citizen.
escalate-prompt = <a href="tg://user?id={ $user_id }">{ $name }</a>, <b>reply to this message</b> with the reason for escalating { $ref }.
send-back-prompt = <a href="tg://user?id={ $user_id }">{ $name }</a>, <b>reply to this message</b> with a note for sending { $ref } back.
triage-placeholder = Your note
triage-prompt-not-yours = Please let the colleague who pressed the button reply; to do it yourself, press the button on the card first.
triage-need-text = Please write it as text (up to 2000 characters).
triage-explained = ✅ { $ref } explained; the citizen may rate the answer.
triage-escalated = ⬆️ { $ref } escalated to the level above.
triage-sent-back = ⬇️ { $ref } sent back to the level below.
triage-handled-line = handled now, responsible: { $who }, deadline { $deadline }
triage-assigned-line = assigned to { $department }, deadline { $deadline }
binddept-done = ✅ This group now works for "{ $department }"; issues assigned to it arrive here.
binddept-usage = Usage: /binddept DEPARTMENT-CODE (see departments in the organisation file).

push-explained =
    💬 About your request <b>{ $ref }</b>, the grid answers:
    { $note }
    (answered by { $who })
    Please rate the answer:
push-handled = 🛠 Your request <b>{ $ref }</b> is being handled by "{ $where }"; responsible: { $who }; due by <b>{ $deadline }</b>.
push-assigned = 📤 Your request <b>{ $ref }</b> has been assigned to "{ $department }", supervised by the grid; an answer is due by <b>{ $deadline }</b>.
push-escalated = ⬆️ Your request <b>{ $ref }</b> has gone up to "{ $where }"; an answer is due by <b>{ $deadline }</b>.
push-sent-back = ⬇️ Your request <b>{ $ref }</b> is back with "{ $where }"; an answer is due by <b>{ $deadline }</b>.

event-explained = { $time } · { $who } explained
event-handled = { $time } · { $who } assessed: handle now
event-assigned = { $time } · { $who } assessed: assigned
event-escalated = { $time } · { $who } escalated
event-auto-escalated = { $time } · escalated automatically as overdue
event-sent-back = { $time } · { $who } sent back
actor-department = Department
error-holiday-calendar = The holiday calendar does not cover this date yet, so working-day deadlines cannot be computed. Please ask the administrator to upgrade the system.

## Supervision
remind-due-soon = ⏳ <b>Due soon</b> { $ref } ({ $category } · { $grid }): deadline { $deadline }, responsible: { $who }. Please finish it in time.
remind-overdue = 🚨 <b>Overdue</b> { $ref } ({ $category } · { $grid }): the deadline { $deadline } has passed, responsible: { $who }. Please resolve it or explain.
auto-escalation-reason = Deadline { $deadline } passed more than { $days } working days ago; escalated automatically.
digest =
    📊 <b>{ $grid } · daily supervision</b> ({ $date })
    New yesterday: { $new }
    Due today: { $due_today }
    Overdue: { $overdue }
    Resolved yesterday: { $resolved }
    Send /ledger for the ledger.
relay-from-department =
    💬 <b>"{ $department }" replies</b> ({ $ref }):
    { $text }

    Reply to this message to continue the conversation.
btn-pick-date = 📅 Pick a date
triage-choose-date = 📅 { $ref }: choose the deadline's date (working days only).
deadline-date = { $weekday } { $date }
weekday-1 = Mon
weekday-2 = Tue
weekday-3 = Wed
weekday-4 = Thu
weekday-5 = Fri
weekday-6 = Sat
weekday-7 = Sun
digest-department =
    📊 <b>{ $department } · daily supervision</b> ({ $date })
    Assigned and open: { $open }
    Due today: { $due_today }
    Overdue: { $overdue }
    Resolved yesterday: { $resolved }
    Send /ledger for the ledger.
remind-due-soon-many = ⏳ <b>{ $count } requests are due soon</b>; please finish them in time:
remind-overdue-many = 🚨 <b>{ $count } requests are overdue</b>; please resolve them or explain:
remind-more = …and { $count } more; send /ledger for the ledger.
