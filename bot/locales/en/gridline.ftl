## Gridline — English

yes = yes
no = no

## Menu and common buttons
menu-title = What would you like to do?
menu-report = 📝 Report a problem
menu-my-issues = 📋 My issues
menu-services = 📖 Service list
menu-help = ❓ Help
btn-menu = 🏠 Menu
btn-back = ⬅️ Back
btn-cancel = ✖️ Cancel
btn-next = ➡️ Next
btn-confirm = ✅ Submit
btn-edit = ✏️ Edit
btn-resume = ▶️ Continue
btn-restart = 🔄 Start again
btn-keep-grid = 📍 Still "{ $grid }"
btn-other-grid = Choose another grid
btn-skip-phone = Skip, no phone
btn-share-phone = 📱 Share my phone number
phone-placeholder = or type a phone number
btn-claim = 🙋 Claim
btn-resolve = ✅ Resolve
btn-detail = 📄 Details
btn-no-comment = No comment, submit the rating
btn-prev-page = ⬅️ Previous
btn-next-page = Next ➡️
btn-back-to-list = ⬅️ Back to the list
edit-grid = Grid
edit-category = Category
edit-description = Description
edit-phone = Phone

## Start
start-greeting =
    Hello, { $name }! This is <b>Gridline</b>.
    Bring any problem or need to the people who run your neighbourhood grid: you report it, the grid dispatches it, officials resolve it — and every matter gets an answer.
    You will be told about every step of its progress.
start-unknown-grid = Sorry, the grid of that QR code was not found. Please choose from the menu below.
help-text =
    <b>How it works</b>
    📝 Report a problem: choose your grid and a category, describe it (photos, a location or a voice message are welcome), check and submit. You get a reference number.
    🔔 Progress: when a grid worker claims, answers or resolves your issue, you get a message.
    💬 Talk to the grid: simply "reply" to one of our messages about an issue, and your reply reaches the worker in charge.
    ⭐ Rating: rate the result once it is resolved; if you are not satisfied, the issue goes back to the grid.
    📋 My issues: every issue you reported and its history.
    Commands: /report · /my · /services · /language · /cancel
language-set = Language set to English.
unknown-command = Sorry, I don't know that command. Use the menu below or send /help.
nothing-to-cancel = There is nothing to cancel.
free-text-hint = To report a problem, tap "📝 Report a problem". To add something to an issue, "reply" to our message about it.

## Service list
services-title = <b>📖 Service list</b> (what you can report)
services-item = { $index }. <b>{ $name }</b> — { $description }
services-footer = Tap "📝 Report a problem" to submit one.

## Reporting
report-draft-exists = You have an unfinished report. Continue it?
report-remembered-grid = Last time you reported in: <b>{ $grid }</b>. Same place this time?
report-grid-from-link = Grid selected: <b>{ $grid }</b>
report-choose-township = Step 1: choose your <b>township or street</b>:
report-choose-village = Step 1: choose your village or community in <b>{ $township }</b>:
report-choose-category = Step 2: choose a <b>category</b>:
report-describe =
    Step 3: <b>describe the problem</b>: what happened, where, and what you would like done.
    You can send several messages, photos (up to { $max_photos }), a location or a voice message.
    Tap "Next" when you are done.
describe-progress = Recorded: text { $chars }/{ $max_chars } characters · photos { $photos }/{ $max_photos } · location { $location } · voice { $voice }
describe-text-saved = ✅ Text recorded. Add more, or tap "Next".
describe-photo-saved = ✅ Photo { $count } received (up to { $max_photos }).
describe-location-saved = ✅ Location recorded.
describe-voice-saved = ✅ Voice message saved.
describe-empty = The description cannot be empty. Please describe the problem in words.
describe-too-long = That text is too long: a description holds at most { $max_chars } characters ({ $used } recorded so far). It was not saved; please shorten it and send it again. Everything else is still there.
describe-too-many-photos = At most { $max_photos } photos can be attached; this one was not saved. Your earlier photos are kept; tap "Next" to go on.
describe-no-forward = Please type your own account rather than forwarding a message. Everything you entered is still there.
describe-unsupported = Here you can send text, photos (up to { $max_photos }), a location or a voice message. This kind of message cannot be saved; everything you entered is still there.
describe-unknown-command = That command is not available while you write a report. Continue describing the problem, or tap "Cancel" to drop it.
describe-need-text = Please describe the problem in words (or by voice) before tapping "Next".
voice-only-description = (voice message, see attachment)
report-phone-options = Step 4 (optional): leave a <b>phone number</b> so the grid worker can reach you. You can also skip this.
report-phone = Tap "📱 Share my phone number" below or type the number. Only the staff in charge see it; cards hide its middle digits.
phone-invalid = That does not look like a phone number. Tap "📱 Share my phone number", type a number of 7–20 digits, or tap "Skip".
phone-not-yours = Please share <b>your own</b> number (tap the button below), or type it.
phone-saved = ✅ Phone number recorded.
phone-skipped = OK, no phone number.
report-use-buttons = Please use the buttons of the message above; everything you entered is still there. To drop this report, tap "Cancel" or send /cancel.
review-title = <b>Step 5: please check your report</b>
review-grid = Grid: { $grid }
review-category = Category: { $category }
review-description = Description: { $description }
review-attachments = Photos: { $photos } · location: { $location } · voice: { $voice }
review-phone = Phone: { $phone }
review-no-phone = not given
review-incomplete = The report is incomplete: please add a description.
report-edit-which = What would you like to change?
report-cancelled = The report was cancelled.
report-submitted =
    ✅ Submitted! Reference: <b>{ $ref }</b>
    A grid worker will take it up soon; you will be told about every step.

## Progress pushed to the citizen
push-received =
    📮 Your issue was received
    Reference: <b>{ $ref }</b> ({ $category })
    It went to the "{ $grid }" grid; a grid worker will take it up soon. You will be told about every step; to add something, just reply to this message.
push-claimed = 🙋 Your issue <b>{ $ref }</b> was claimed by the "{ $grid }" grid and is being handled.
push-resolved =
    ✅ Your issue <b>{ $ref }</b> was resolved.
    By: { $who }
    Outcome: { $note }
    Please rate the result:
push-closed = 🙏 Thank you for your rating! Issue <b>{ $ref }</b> is closed.
push-reopened = 🔁 Thank you for telling us. Issue <b>{ $ref }</b> is back with the "{ $grid }" grid; you will keep getting its progress.
relay-from-grid =
    💬 <b>Answer from the "{ $grid }" grid</b> ({ $ref }):
    { $text }

    Reply to this message to answer.
relay-from-citizen =
    🗣 <b>The citizen adds</b> ({ $ref }):
    { $text }
relay-photo-only = (photo)
reply-relayed-to-grid = ✅ Passed on to the grid ({ $ref }).
reply-not-linked = That message is not about one of your issues. To report something new, tap "📝 Report a problem".
reply-invalid = Please send text (at most { $max_chars } characters) or a photo.

## Rating
rating-satisfied = 😊 Satisfied
rating-basic = 🙂 Mostly satisfied
rating-unsatisfied = 😞 Not satisfied
rating-ask-comment = You chose "{ $rating }". Anything you would like to add? Send it (at most { $max_chars } characters), or tap the button to submit the rating as it is.
rating-ask-reason = We are sorry. Please tell us what was not solved (at most { $max_chars } characters); issue { $ref } will go back to the grid. Or tap the button to submit as it is.
rating-comment-invalid = Please write your comment as text (at most { $max_chars } characters), or tap "No comment, submit the rating".
rating-thanks = Your rating of { $ref } was recorded: { $rating }. Thank you!

## My issues
my-issues-title = <b>📋 My issues</b> (tap one for its history)
my-issues-empty = You have not reported anything yet.
my-issues-item = { $ref } · { $status } · { $date }
timeline-title = <b>{ $ref }</b> · { $status }

## Statuses and history
status-received = waiting to be claimed
status-in-progress = in progress
status-resolved = resolved (awaiting rating)
status-closed = rated
status-reopened = reopened
actor-citizen = citizen
actor-grid = grid
actor-system = system
event-submitted = { $time } · { $who } reported it
event-claimed = { $time } · { $who } claimed it
event-answered = { $time } · { $who } answered
event-citizen-replied = { $time } · { $who } added
event-resolved = { $time } · { $who } resolved it
event-rated = { $time } · { $who } rated it
event-reopened = { $time } · reopened: the citizen was not satisfied

## Grid work group
card-new = 🆕 <b>New issue</b> { $ref }
card-reopened = 🔁 <b>Reopened: the citizen is not satisfied</b> { $ref }
card-headline = 📋 <b>Issue</b> { $ref }
card-category = Category: { $category }
card-grid = Grid: { $grid }
card-received-at = Received: { $time }
card-phone = Phone: { $phone }
card-has-location = Location: see below
card-status = Status: { $status }
card-status-assignee = Status: { $status } ({ $assignee })
card-unsatisfied-comment = Citizen's comment: { $comment }
claim-done = You claimed { $ref }. Reply to the card to answer the citizen.
answer-relayed = ✅ Passed on to the citizen ({ $ref }).
resolve-prompt = <a href="tg://user?id={ $user_id }">{ $name }</a>, please <b>reply to this message</b> with how { $ref } was resolved (a photo may be attached).
resolve-placeholder = How it was resolved
resolve-not-yours = Only the colleague who pressed "Resolve" can answer this; to resolve it yourself, press "Resolve" on the card first.
resolve-need-note = Please describe the resolution in words (at most { $max_chars } characters); a photo may come with it.
resolve-done = ✅ { $ref } is resolved; the citizen was asked to rate it.
group-reply-not-linked = That message belongs to no issue. To answer a citizen, reply to the issue's card.
group-answer-invalid = Please send text (at most { $max_chars } characters) or a photo to pass on to the citizen.
group-not-bound = This group is not bound to a grid. An administrator can send /bind GRID-CODE.
group-help =
    This is the work group of the "{ $grid }" grid. New issues arrive here as cards:
    · press "Claim" to take one;
    · reply to a card to answer the citizen; their replies appear under the card;
    · press "Resolve" and reply with a note; the citizen is asked to rate it.
bind-admins-only = Only administrators can bind or unbind a grid.
bind-usage = Usage: /bind GRID-CODE, e.g. /bind GC01
bind-unknown-grid = No grid has the code "{ $code }". Please check it and try again.
bind-grid-taken = "{ $grid }" is already bound to the group "{ $title }". Send /unbind there first.
bind-done = ✅ This group is now the work group of the "{ $grid }" ({ $code }) grid; new issues arrive here.
unbind-done = This group is no longer bound to a grid.
admin-unrouted = ⚠️ Issue <b>{ $ref }</b> of "{ $grid }" has no work group: neither its grid nor any grid above is bound. Please /bind one soon.

## Errors
error-not-allowed = Sorry, you may not do that.
error-wrong-status = This issue is "{ $status }" and does not allow that.
error-issue-not-found = That issue was not found.
error-unexpected = Sorry, something went wrong. Please try again later; nothing you entered is lost.
error-stale-choice = That choice is no longer valid; please choose in the latest message.
error-stale-button = That button is no longer valid; use the latest message or send /start.

## Command menu
command-start = Start / main menu
command-report = Report a problem
command-my = My issues
command-services = Service list
command-language = 切换语言 / Language
command-help = How it works
command-cancel = Cancel what you are doing
command-bind = Bind this group to a grid (administrators)
command-unbind = Unbind this group (administrators)
