## Follow-through (issue 18): yellow and red warnings, extensions, supervision levels, SLA figures

card-light-yellow = 🟡 <b>70% of the time limit used</b>, please hurry
card-light-red = 🔴 <b>Overdue</b>
warn-yellow-person = 🟡 Issue <b>{ $ref }</b>, for which you are responsible, has used 70% of its time limit: please resolve it by <b>{ $deadline }</b>; if that cannot be done, use "⏳ Ask for more time" on its card.
warn-yellow-group = 🟡 { $ref } has used 70% of its time limit: please resolve it by <b>{ $deadline }</b>.

btn-extend = ⏳ Ask for more time
ext-prompt = <a href="tg://user?id={ $user_id }">{ $name }</a>, please <b>reply to this message</b> with the working days { $ref } needs and the reason, e.g. <code>3 waiting for materials</code> (at most { $max } working days).
ext-placeholder = days reason
ext-reply-usage = Please reply as "days reason", e.g. <code>3 waiting for materials</code> (1 to { $max } working days, a reason is required). Reply to the prompt above again. You wrote: { $text }
ext-bad-days = An extension is 1 to { $max } working days; please reply to the prompt above again.
ext-sent = ⏳ The extension request for { $ref } ({ $days } working days) went to the level above for approval.
ext-refused-no-deadline = { $ref } has no time limit now (or is finished): there is nothing to extend.
ext-refused-not-responsible = Only the person responsible for { $ref } ({ $who }) may ask for more time.
ext-refused-late = The time limit of { $ref } ({ $deadline }) has passed: an extension must be asked for before the deadline. Please resolve it soon or explain the situation to the level above.
ext-refused-pending = { $ref } already has an extension request waiting for approval; please wait for the decision.
ext-already-decided = This extension request for { $ref } has been decided already.
ext-issue-finished = { $ref } is finished already; the extension was not approved.
ext-line-requested = Asked for { $days } more working days (until { $deadline }): { $reason }
ext-line-approved = Extension of { $days } working days approved, new time limit { $deadline }
ext-line-refused = Extension of { $days } working days refused: { $reason }
ext-card =
    ⏳ <b>Extension request</b> { $ref }
    Category: { $category }
    Grid: { $grid }
    Asked by: { $who }
    Time limit now: { $deadline }
    Asks for: { $days } working days (until { $new_deadline })
    Reason: { $reason }
btn-ext-approve = ✅ Approve
btn-ext-refuse = ❌ Refuse
ext-asked-under-card = ⏳ { $who } asked for { $days } more working days for { $ref }, awaiting approval.
ext-approved-requester = ✅ { $by } approved the extension of { $ref }: the new time limit is <b>{ $deadline }</b>.
ext-refused-requester = ❌ { $by } refused the extension of { $ref }, because: { $reason }. The time limit stays <b>{ $deadline }</b>.
ext-decided-approved = ✅ { $who } approved the extension, new time limit { $deadline }.
ext-decided-refused = ❌ { $who } refused the extension, because: { $reason }
ext-refuse-prompt = <a href="tg://user?id={ $user_id }">{ $name }</a>, please <b>reply to this message</b> with why the extension of { $ref } is refused (the requester and the ledger will see it).
ext-refuse-placeholder = why it is refused
ext-refuse-usage = A refusal needs a reason; please reply to the prompt above again.
ext-refuse-changed = This extension request for { $ref } has been decided already, or a newer one was made: please use the newer approval card.
push-extended = ⏳ Your issue <b>{ $ref }</b> was given more time with approval; it should be resolved by <b>{ $deadline }</b>.
event-extension-requested = { $time } · { $who } asked for more time
event-extension-approved = { $time } · { $who } approved more time
event-extension-refused = { $time } · { $who } refused more time

level-normal = normal
level-yellow = 🟨 yellow card
level-red = 🟥 red card
card-level-yellow = 🟨 <b>Yellow-card supervision</b>
card-level-red = 🟥 <b>Red-card supervision</b>
card-red-card = 🟥 <b>Red-card supervision</b> { $ref }
level-usage = Usage: <code>/duban REF 黄牌|红牌 reason</code> (or yellow|red), e.g. <code>/duban GL-2611-0001 red reported many times, still unsolved</code>. Only officials of the levels concerned and the constituency's deputies may raise the level.
level-done = { $ref } is now under { $level } supervision.
level-unknown-ref = No issue { $ref }; please check the reference.
level-not-open = { $ref } is finished: its supervision level can no longer be raised.
level-not-higher = { $ref } is under { $level ->
        [yellow] yellow-card
        [red] red-card
       *[normal] normal
    } supervision already: the level can only be raised.
level-line = { $level }: { $reason }
level-raised-yellow = 🟨 { $who } put { $ref } under <b>yellow-card supervision</b>: { $reason }
level-raised-red = 🟥 { $who } put { $ref } under <b>red-card supervision</b>; the county grid and the constituency's deputies are told: { $reason }
event-supervision-raised = { $time } · { $who } raised the supervision level
dep-notice-red-card = 🟥 red-card supervision
ledger-filter = Filter: { $level }
ledger-level-yellow = 🟨yellow
ledger-level-red = 🟥red
ledger-row-yellow = 🟡 <b>{ $ref }</b> · { $status } · due { $deadline } · { $unit }
    　{ $grid } · { $category } · { $description }

sla-title = ⏱ <b>{ $scope }: handling times</b> ({ $start } to { $end })
sla-row = <b>{ $name }</b>: median to acknowledge { $ack } · median to resolve { $resolve } · on time { $on_time } · reopened { $reopen } · look-back solved { $lookback }
sla-none = —
sla-hours = { $hours } h
sla-percent = { $value }%
sla-sheet-title = Handling times
sla-col-unit = Unit
sla-col-kind = Kind
sla-col-received = Received
sla-col-ack-median = Median hours to acknowledge
sla-col-resolve-median = Median hours to resolve
sla-col-on-time = On-time rate
sla-col-reopen = Reopen rate
sla-col-lookback = Look-back solved rate
sla-kind-grid = Grid
sla-kind-department = Department
ledger-col-acknowledged = Acknowledged
ledger-col-reopened = Reopened
ledger-col-closed = Closed
ledger-col-level = Supervision level
ledger-level-usage = Usage: <code>/ledger</code> for every open issue, or <code>/ledger 普通|黄牌|红牌</code> (normal|yellow|red) for one supervision level only.
command-duban = Raise the supervision level: /duban REF 黄牌|红牌 reason
dep-step-extension-requested = more time asked for
dep-step-extension-approved = more time approved
dep-step-extension-refused = more time refused
dep-step-supervision-raised = supervision level raised
