## 研判、上报、退回（issue 3）

btn-triage = 🧭 研判
btn-escalate = ⬆️ 上报
btn-send-back = ⬇️ 退回
btn-disposition-explain = 💬 宣传解释
btn-disposition-handle = 🛠 立即办理（协助自办）
btn-disposition-assign = 📤 交办督办
disposition-explain = 宣传解释
disposition-handle = 立即办理
disposition-assign = 交办督办

card-disposition = 研判结果：{ $disposition }
card-department = 责任单位：{ $department }
card-deadline = 办理时限：{ $deadline }
card-held-by = ➡️ 当前在：{ $level }
card-assigned = 📤 <b>交办督办</b> { $ref }
card-escalated = ⬆️ <b>下级上报</b> { $ref }
card-auto-escalated = ⏰ <b>超期上报</b> { $ref }
card-sent-back = ⬇️ <b>上级退回</b> { $ref }
card-move-note = 📝 说明：{ $note }

triage-menu = 🧭 研判 { $ref }：请选择处置方式。
triage-cancelled = 已取消研判。
triage-explain-asked = 💬 { $ref }：请回复下方消息，写明解释内容。
triage-choose-deadline = ⏳ { $ref }：请选择办理时限（按工作日计算，已扣除节假日；⭐ 为该类别默认时限）。
deadline-days = { $days } 个工作日（{ $date }）
triage-myself = 🙋 我自己（{ $name }）
triage-choose-person = 👤 { $ref }：请选择责任人。
triage-done = 已研判 { $ref }。
triage-handled = ✅ { $ref } 已研判为「立即办理」，时限和责任人已通知群众。
triage-no-departments = 本级没有配置职能部门，无法交办。请在组织架构文件中添加 departments。
triage-choose-department = 📤 { $ref }：请选择交办的职能部门。
triage-assigned = ✅ { $ref } 已交办，部门已收到卡片，本群继续督办。
explain-prompt = <a href="tg://user?id={ $user_id }">{ $name }</a>，请<b>回复本消息</b>写明对 { $ref } 的解释说明（宣传解释），内容会发给群众。
escalate-prompt = <a href="tg://user?id={ $user_id }">{ $name }</a>，请<b>回复本消息</b>写明 { $ref } 上报的理由。
send-back-prompt = <a href="tg://user?id={ $user_id }">{ $name }</a>，请<b>回复本消息</b>写明 { $ref } 退回的说明。
triage-placeholder = 请填写说明
triage-prompt-not-yours = 请由点按钮的同事回复；如需由您处理，请先在卡片上点相应的按钮。
triage-need-text = 请用文字填写（最多 2000 字）。
triage-explained = ✅ { $ref } 已宣传解释，群众可对答复进行评价。
triage-escalated = ⬆️ { $ref } 已上报上级网格。
triage-sent-back = ⬇️ { $ref } 已退回下级网格。
triage-handled-line = 立即办理，责任人 { $who }，时限 { $deadline }
triage-assigned-line = 交办 { $department }，时限 { $deadline }
binddept-done = ✅ 本群已绑定为「{ $department }」的工作群，交办给该部门的诉求会发到这里。
binddept-usage = 用法：/binddept 部门编码（见组织架构文件中的 departments）。

push-explained =
    💬 关于您的诉求 <b>{ $ref }</b>，网格的答复如下：
    { $note }
    （答复人：{ $who }）
    请您对答复进行评价：
push-handled = 🛠 您的诉求 <b>{ $ref }</b> 由「{ $where }」立即办理，责任人：{ $who }，预计在 <b>{ $deadline }</b> 前办结。
push-assigned = 📤 您的诉求 <b>{ $ref }</b> 已交由「{ $department }」办理，网格全程督办，预计在 <b>{ $deadline }</b> 前答复。
push-escalated = ⬆️ 您的诉求 <b>{ $ref }</b> 已上报至「{ $where }」办理，预计在 <b>{ $deadline }</b> 前答复。
push-sent-back = ⬇️ 您的诉求 <b>{ $ref }</b> 已转回「{ $where }」办理，预计在 <b>{ $deadline }</b> 前答复。

event-explained = { $time } · { $who } 宣传解释
event-handled = { $time } · { $who } 研判：立即办理
event-assigned = { $time } · { $who } 研判：交办督办
event-escalated = { $time } · { $who } 上报
event-auto-escalated = { $time } · 超期自动上报
event-sent-back = { $time } · { $who } 退回
actor-department = 职能部门
error-holiday-calendar = 节假日日历尚未覆盖这个日期，暂时无法计算工作日时限。请联系管理员升级系统。

## 督办提醒
remind-due-soon = ⏳ <b>即将到期</b> { $ref }（{ $category } · { $grid }）：办理时限 { $deadline }，责任：{ $who }。请抓紧办理。
remind-overdue = 🚨 <b>已超期</b> { $ref }（{ $category } · { $grid }）：办理时限 { $deadline } 已过，责任：{ $who }。请尽快办结或说明情况。
auto-escalation-reason = 办理时限 { $deadline } 已过，超期超过 { $days } 个工作日，系统自动上报。
digest =
    📊 <b>{ $grid } · 每日督办</b>（{ $date }）
    昨日新受理：{ $new } 件
    今日到期：{ $due_today } 件
    已超期：{ $overdue } 件
    昨日办结：{ $resolved } 件
    发送 /ledger 查看台账。
relay-from-department =
    💬 <b>「{ $department }」回复</b>（{ $ref }）：
    { $text }

    直接回复本消息可以继续沟通。
btn-pick-date = 📅 指定日期
triage-choose-date = 📅 { $ref }：请选择办理时限的日期（只列出工作日）。
deadline-date = { $date } { $weekday }
weekday-1 = 周一
weekday-2 = 周二
weekday-3 = 周三
weekday-4 = 周四
weekday-5 = 周五
weekday-6 = 周六
weekday-7 = 周日
digest-department =
    📊 <b>{ $department } · 每日督办</b>（{ $date }）
    交办在办：{ $open } 件
    今日到期：{ $due_today } 件
    已超期：{ $overdue } 件
    昨日办结：{ $resolved } 件
    发送 /ledger 查看台账。
remind-due-soon-many = ⏳ <b>{ $count } 件诉求即将到期</b>，请抓紧办理：
remind-overdue-many = 🚨 <b>{ $count } 件诉求已超期</b>，请尽快办结或说明情况：
remind-more = ……另有 { $count } 件，发送 /ledger 查看台账。
