## 跟踪督办（issue 18）：黄灯红灯、延期申请、督办等级、时效统计

# 黄灯 / 红灯：办理时限已用去的比例
card-light-yellow = 🟡 <b>时限已过七成</b>，请抓紧办理
card-light-red = 🔴 <b>已超期</b>
warn-yellow-person = 🟡 您负责的诉求 <b>{ $ref }</b> 办理时限已过七成，请在 <b>{ $deadline }</b> 前办结；确有困难可在卡片上「⏳ 申请延期」。
warn-yellow-group = 🟡 { $ref } 办理时限已过七成，请在 <b>{ $deadline }</b> 前办结。

# 延期申请
btn-extend = ⏳ 申请延期
ext-prompt = <a href="tg://user?id={ $user_id }">{ $name }</a>，请<b>回复本消息</b>写明 { $ref } 需要延长的工作日数和理由，例如：<code>3 需要等待材料到货</code>（最多 { $max } 个工作日）。
ext-placeholder = 天数 理由
ext-reply-usage = 请按「天数 理由」回复，例如：<code>3 需要等待材料到货</code>（1 至 { $max } 个工作日，理由必填）。请再次回复上面的提示。您刚才写的是：{ $text }
ext-bad-days = 延期天数须在 1 至 { $max } 个工作日之间，请再次回复上面的提示。
ext-sent = ⏳ { $ref } 的延期申请（{ $days } 个工作日）已提交上级审批。
ext-refused-no-deadline = { $ref } 目前没有办理时限（或已办结），无需申请延期。
ext-refused-not-responsible = 只有 { $ref } 的责任人（{ $who }）可以申请延期。
ext-refused-late = { $ref } 的办理时限 { $deadline } 已过，不能再申请延期：延期须在时限届满前申请。请尽快办结，或向上级说明情况。
ext-refused-pending = { $ref } 已有一份待审批的延期申请，请等待上级审批后再申请。
ext-already-decided = { $ref } 的这份延期申请已经审批过了。
ext-issue-finished = { $ref } 已经办结，无需延期；本次申请未予批准。
ext-line-requested = 申请延期 { $days } 个工作日（至 { $deadline }）：{ $reason }
ext-line-approved = 同意延期 { $days } 个工作日，新时限 { $deadline }
ext-line-refused = 不同意延期 { $days } 个工作日：{ $reason }
ext-card =
    ⏳ <b>延期申请</b> { $ref }
    类别：{ $category }
    网格：{ $grid }
    申请人：{ $who }
    现时限：{ $deadline }
    申请延长：{ $days } 个工作日（至 { $new_deadline }）
    理由：{ $reason }
btn-ext-approve = ✅ 同意
btn-ext-refuse = ❌ 不同意
ext-asked-under-card = ⏳ { $who } 已为 { $ref } 申请延期 { $days } 个工作日，等待上级审批。
ext-approved-requester = ✅ 上级（{ $by }）同意了 { $ref } 的延期申请，新的办理时限为 <b>{ $deadline }</b>。
ext-refused-requester = ❌ 上级（{ $by }）不同意 { $ref } 的延期申请，理由：{ $reason }。办理时限仍为 <b>{ $deadline }</b>。
ext-decided-approved = ✅ { $who } 已同意延期，新时限 { $deadline }。
ext-decided-refused = ❌ { $who } 不同意延期，理由：{ $reason }
ext-refuse-prompt = <a href="tg://user?id={ $user_id }">{ $name }</a>，请<b>回复本消息</b>写明不同意 { $ref } 延期的理由（申请人和台账都会看到）。
ext-refuse-placeholder = 不同意的理由
ext-refuse-usage = 不同意延期须写明理由，请再次回复上面的提示。
ext-refuse-changed = { $ref } 的这份延期申请已经审批过了，或已有新的申请：请在新的审批卡片上操作。
push-extended = ⏳ 您的诉求 <b>{ $ref }</b> 因办理需要经批准延期，预计在 <b>{ $deadline }</b> 前办结。
event-extension-requested = { $time } · { $who } 申请延期
event-extension-approved = { $time } · { $who } 同意延期
event-extension-refused = { $time } · { $who } 不同意延期

# 督办等级：普通 / 黄牌 / 红牌
level-normal = 普通
level-yellow = 🟨 黄牌
level-red = 🟥 红牌
card-level-yellow = 🟨 <b>黄牌督办</b>
card-level-red = 🟥 <b>红牌督办</b>
card-red-card = 🟥 <b>红牌督办</b> { $ref }
level-usage = 用法：<code>/duban 编号 黄牌|红牌 理由</code>，例如：<code>/duban GL-2611-0001 红牌 群众多次反映仍未解决</code>。只有相关乡镇、县级工作人员和选区人大代表可以提高督办等级。
level-done = 已将 { $ref } 提升为{ $level }督办。
level-unknown-ref = 没有找到编号为 { $ref } 的诉求，请核对编号。
level-not-open = { $ref } 已经办结，不能再提高督办等级。
level-not-higher = { $ref } 目前已是{ $level ->
        [yellow] 黄牌
        [red] 红牌
       *[normal] 普通
    }督办，只能提高、不能降低或重复。
level-line = { $level }：{ $reason }
level-raised-yellow = 🟨 { $ref } 被 { $who } 列为<b>黄牌督办</b>：{ $reason }
level-raised-red = 🟥 { $ref } 被 { $who } 列为<b>红牌督办</b>，已报县级网格和选区人大代表：{ $reason }
event-supervision-raised = { $time } · { $who } 提高督办等级
dep-notice-red-card = 🟥 红牌督办
ledger-filter = 筛选：{ $level }督办
ledger-level-yellow = 🟨黄牌
ledger-level-red = 🟥红牌
ledger-row-yellow = 🟡 <b>{ $ref }</b> · { $status } · 时限 { $deadline } · { $unit }
    　{ $grid } · { $category } · { $description }

# 时效统计（SLA）
sla-title = ⏱ <b>{ $scope } 办理时效</b>（{ $start } 至 { $end }）
sla-row = <b>{ $name }</b>：响应中位 { $ack } · 办结中位 { $resolve } · 按时办结率 { $on_time } · 重办率 { $reopen } · 回访解决率 { $lookback }
sla-none = —
sla-hours = { $hours } 小时
sla-percent = { $value }%
sla-sheet-title = 办理时效
sla-col-unit = 单位
sla-col-kind = 类型
sla-col-received = 受理
sla-col-ack-median = 响应时间中位数（小时）
sla-col-resolve-median = 办结时间中位数（小时）
sla-col-on-time = 按时办结率
sla-col-reopen = 重办率
sla-col-lookback = 回访解决率
sla-kind-grid = 网格
sla-kind-department = 职能部门
ledger-col-acknowledged = 响应时间
ledger-col-reopened = 重办时间
ledger-col-closed = 办结评价时间
ledger-col-level = 督办等级
ledger-level-usage = 用法：<code>/ledger</code> 查看全部在办诉求，或 <code>/ledger 普通|黄牌|红牌</code> 只看该督办等级的诉求。
command-duban = 提高督办等级：/duban 编号 黄牌|红牌 理由
dep-step-extension-requested = 申请延期
dep-step-extension-approved = 已批准延期
dep-step-extension-refused = 延期未获批准
dep-step-supervision-raised = 督办等级提高
