admin-group-unreachable =
    ⚠️ <b>A grid's work group cannot be reached</b>
    Group: { $title } (grid: { $grid })
    Reason: { $reason }
    The bot was probably removed from the group. New issue cards cannot reach it: add the bot back, or /bind the grid in another group.
