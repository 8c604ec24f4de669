## Follow-through: duplicates, following, the look-back (issue 18: 1, 2, 7)

dup-title = 🔎 <b>Has someone reported this already?</b>
    { $count } open issue(s) of this kind in this grid from the last 30 days:
dup-item = { $n }. <b>{ $ref }</b> ({ $date }) { $summary }
dup-hint = If it is the same matter, press 👍 to follow it: you get its progress and need not report it again. If not, go on with your new report.
dup-btn-follow = 👍 Follow { $ref }
dup-btn-new-report = ➡️ Not the same, go on
dup-followed = 👍 You now follow issue <b>{ $ref }</b> and will get its progress. Your draft is closed; nothing more to submit.
followthrough-changed = Issue { $ref } has changed since, so this button no longer works. See the latest message, or its progress in "My issues".
follow-push-title = 👍 News on issue <b>{ $ref }</b>, which you follow:
follow-push-resolved =
    ✅ Issue <b>{ $ref }</b>, which you follow, is resolved.
    How: { $note }
follow-push-explained =
    💬 On issue <b>{ $ref }</b>, which you follow, the grid answers:
    { $note }
follow-push-closed = 📁 Issue <b>{ $ref }</b>, which you follow, was rated and closed.
follow-push-reopened = 🔁 Issue <b>{ $ref }</b>, which you follow, was not satisfactory and is back with the "{ $grid }" grid.
follow-push-lookback-reopened = 🔁 Issue <b>{ $ref }</b>, which you follow, is not solved, its citizen said at the follow-up: it is back with the "{ $grid }" grid.
follow-push-duplicate = 🔁 Issue <b>{ $ref }</b>, which you follow, is the same matter as issue <b>{ $original }</b> and was merged into it: you now follow { $original }.
card-followers = 👍 { $count } following
card-duplicate-of = 🔁 Duplicate, merged into { $ref }

dup-btn-mark = 🔁 Duplicate (merge into an open issue)
dup-mark-none = There is no other open issue of this kind in this grid from the last 30 days: { $ref } cannot be marked as a duplicate.
dup-mark-choose = 🔁 Which issue does { $ref } duplicate? { $ref } is then closed, and its citizen follows the original instead.
dup-marked = 🔁 { $ref } marked as a duplicate of { $original }. The citizen has been told.
dup-closed-push = 🔁 Your issue <b>{ $ref }</b> is about the same matter as issue <b>{ $original }</b>; { $who } merged them. You now follow { $original } and will get its progress.
event-marked-duplicate = { $time } · { $who } marked it as a duplicate
event-duplicate-joined = { $time } · { $who } merged a duplicate into it
dep-step-marked-duplicate = marked as a duplicate

lookback-question =
    📞 <b>Follow-up</b> · issue <b>{ $ref }</b> ({ $category })
    { $description }

    It was resolved a while ago. Is the problem solved?
lookback-question-again =
    📞 <b>Follow-up, again</b> · issue <b>{ $ref }</b> ({ $category })
    { $description }

    Last time you were not sure. Is the problem solved now?
lookback-btn-solved = ✅ Solved
lookback-btn-not-solved = ❌ Not solved
lookback-btn-unsure = 🤔 Not sure
lookback-answer-solved = follow-up: solved
lookback-answer-not-solved = follow-up: not solved
lookback-answer-unsure = follow-up: not sure
lookback-ask-reason = Sorry it is not solved. Please say in words what is still wrong (required, at most { $max_chars } characters); issue { $ref } goes back to the grid.
lookback-reason-invalid = Please say in words why it is not solved (at most { $max_chars } characters).
lookback-thanks = 🙏 Thank you ({ $answer }): the follow-up of issue { $ref } is recorded.
lookback-thanks-unsure = 🙏 Recorded ({ $answer }). We will ask you about issue { $ref } once more in a few days.
lookback-reopened = 🔁 Recorded. Issue { $ref } is back with the grid to be handled again; you will hear of its progress.
lookback-reopened-push = 🔁 You said at the follow-up that issue <b>{ $ref }</b> is not solved: it is back with the "{ $grid }" grid.
lookback-reopened-push-deadline = 🔁 You said at the follow-up that issue <b>{ $ref }</b> is not solved: it is back with the "{ $grid }" grid, new deadline { $deadline }.
card-lookback-reopened = 🔁 <b>Not solved at the follow-up, reopened</b> { $ref }
event-lookback-asked = { $time } · follow-up question to the citizen
event-lookback-answered = { $time } · { $who } answered the follow-up
dep-step-lookback-answered = the citizen answered the follow-up
dep-step-duplicate-joined = a duplicate merged into it
dep-step-lookback-asked = the citizen was asked at the follow-up

ledger-lookback = 　📞 { $answer }
ledger-col-lookback = Follow-up
stats-lookback-title = 📞 Follow-up results
stats-lookback-unit = { $unit }: solved { $solved } · not solved { $not_solved } · not sure { $unsure } · solved rate { $rate }
stats-lookback-none = No follow-up answers yet
