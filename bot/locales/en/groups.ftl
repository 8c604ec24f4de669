# A work group upgraded to a supergroup (new chat id), and the limits that keep a group's budget
# (20 messages a minute) for the work.
admin-group-moved =
    ℹ️ <b>A work group was upgraded to a supergroup</b>
    Group: { $title } (grid: { $grid }; departments: { $departments })
    Its chat id changed from { $old } to { $new }. The binding moved to the new group by itself and undelivered messages go there; nothing needs to be bound again.
group-throttle-commands = You are sending commands in this group too fast; please wait a moment (at most { $per_minute } a minute). Commands until then get no answer.
group-throttle-presses = Too fast: please wait a moment before pressing again (at most { $per_minute } a minute).
