## Ledger, export, chart (issue 3)

ledger-title = 📒 <b>{ $scope } · ledger</b> ({ $total } open, { $overdue } overdue, by deadline)
ledger-empty = No open requests.
ledger-row = • <b>{ $ref }</b> · { $status } · due { $deadline } · { $unit }
    　{ $grid } · { $category } · { $description }
ledger-row-overdue = 🔴 <b>{ $ref }</b> · <b>overdue</b> · due { $deadline } · { $unit }
    　{ $grid } · { $category } · { $description }
ledger-no-deadline = not yet assessed
ledger-page = Page { $page }/{ $pages }
ledger-not-available = There is no ledger to show here: use it in a bound work group, or in a private chat as registered staff or an administrator.

export-admins-only = Only administrators can export the ledger.
export-usage = Usage: /export [FROM [TO]] [GRID-CODE], dates like 2026-11-01.
export-working = ⏳ Building the ledger, one moment…
export-unknown-grid = No grid has the code "{ $code }".
export-filename = grid-ledger.xlsx
export-done = 📒 Ledger exported: { $count } requests.

ledger-sheet-title = Ledger
ledger-col-ref = No.
ledger-col-received = Received
ledger-col-grid = Grid
ledger-col-category = Category
ledger-col-description = Request
ledger-col-disposition = Assessment
ledger-col-unit = Responsible unit
ledger-col-responsible = Responsible person
ledger-col-deadline = Deadline
ledger-col-status = Status
ledger-col-resolved = Resolved
ledger-col-overdue = Overdue
ledger-col-rating = Satisfaction
ledger-overdue-yes = yes
ledger-overdue-no = no
ledger-rating-satisfied = satisfied
ledger-rating-basic = fairly satisfied
ledger-rating-unsatisfied = unsatisfied

stats-title = { $scope } progress chart ({ $start } to { $end })
stats-received = Received
stats-on-time = Resolved on time
stats-overdue = Overdue
stats-count = Requests
stats-no-rating = no ratings yet
stats-satisfaction = satisfaction { $score } · { $tier }
tier-satisfied = satisfied
tier-basic = fairly satisfied
tier-unsatisfied = unsatisfied
stats-not-available = Only a bound work group or an administrator can see the chart.
