# A work group upgraded to a supergroup (new chat id), and the limits that keep a group's budget
# (20 messages a minute) for the work.
admin-group-moved =
    ℹ️ <b>工作群已升级为超级群</b>
    群：{ $title }（网格：{ $grid }；部门：{ $departments }）
    群号由 { $old } 变为 { $new }。绑定已自动转到新群，未送达的消息将改发到新群，无需重新绑定。
group-throttle-commands = 您在群里发命令太快了，请稍等片刻（每分钟最多 { $per_minute } 条）。在此之前的命令将不予回复。
group-throttle-presses = 操作太快了，请稍等片刻再点（每分钟最多 { $per_minute } 次）。
