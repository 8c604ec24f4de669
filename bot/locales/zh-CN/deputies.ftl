## 人大代表：代表码、推送、督办、集中履职日、履职积分（issue 4）

menu-deputies = 🧑‍⚖️ 找代表
card-supervised = 🔔 人大代表督办中
actor-deputy = 人大代表
event-supervised = { $time } · { $who } 督办

## 邀请链接
invite-unknown = 抱歉，这个邀请链接无效。请联系管理员重新生成。
invite-used = 这个邀请链接已经使用过了。如需重新绑定，请联系管理员生成新的链接。
invite-expired = 这个邀请链接已过期。请联系管理员生成新的链接。
invite-welcome-deputy =
    ✅ 绑定成功！您好，{ $name }代表。
    您选区的群众诉求会推送给您；收到群众留言时，直接「回复」该消息即可答复。
    发送 /settings 可设置推送方式。
invite-welcome-worker = ✅ 绑定成功：您已登记为「{ $name }」的网格员。
invite-welcome-official = ✅ 绑定成功：您已登记为「{ $name }」的工作人员。

## 群众找代表
dep-about =
    🧑‍⚖️ <b>{ $name }</b>（{ $level }人大代表）
    联络站：{ $station }
    选区：{ $constituency }
    集中履职日：每月{ $day }日
dep-write-prompt = 请直接输入您想向代表反映的事项（不超过 { $max_chars } 字），发送 /cancel 取消。
dep-write-invalid = 请用文字写下您要反映的事项（2 至 { $max_chars } 字），发送 /cancel 取消。
dep-write-sent = ✅ 已转达给{ $name }代表。代表答复后会在这里通知您；您也可以「回复」代表的答复继续沟通。
dep-write-kept = ✅ 已记录。{ $name }代表尚未开通线上联络，您的留言已转交联络站，会尽快转达。
dep-unknown-code = 抱歉，没有找到这个代表码对应的代表，请在菜单中选择「找代表」。
dep-none = 暂时没有登记的人大代表。
dep-list-title = 请选择您要联系的人大代表：
dep-list-item = { $name }（{ $level }）· { $constituency }
dep-cancelled = 已取消。
dep-followup-sent = ✅ 已转达给{ $name }代表。

## 代表收到的消息
dep-inbox-new =
    📨 <b>群众留言</b> #{ $number }（{ $name }）
    { $text }

    直接「回复」本消息即可答复群众。
dep-inbox-followup =
    📨 <b>群众补充</b> #{ $number }（{ $name }）
    { $text }
dep-answer-to-citizen =
    🧑‍⚖️ <b>{ $deputy }代表答复</b>
    { $text }

    如需继续沟通，请直接「回复」本消息。
dep-admin-unlinked = 📨 群众给尚未绑定的代表 { $deputy } 留言（#{ $number }），请转达或为代表生成邀请链接。
dep-reply-invalid = 请用文字答复（不超过 { $max_chars } 字）。
dep-reply-sent = ✅ 已转达给群众。
dep-btn-convert = 📝 转为诉求
dep-converted = ✅ 已转为诉求 { $ref }，已交网格办理，您将收到每一步进展。
dep-already-converted = 这条留言已经转为诉求了。
dep-not-deputy = 这个功能仅供已绑定的人大代表使用。

## 推送与督办
dep-push-title = 🔔 <b>选区诉求</b> { $ref } · { $what }
dep-push-you-supervise = 🔔 您正在督办此诉求
dep-notice-submitted = 新诉求
dep-notice-escalated = 已上报
dep-notice-overdue = 已超期
dep-notice-unsatisfied = 群众不满意，重新办理
dep-notice-step = 有新进展
dep-step-submitted = 新诉求
dep-step-claimed = 已认领
dep-step-answered = 网格已答复
dep-step-citizen-replied = 群众补充
dep-step-resolved = 已办结
dep-step-rated = 群众已评价
dep-step-explained = 已宣传解释
dep-step-handled = 网格立即办理（已定时限和责任人）
dep-step-assigned = 已交办职能部门
dep-step-escalated = 已上报上一级
dep-step-auto-escalated = 超期上报
dep-step-sent-back = 已退回下一级
dep-btn-supervise = 🔔 督办
dep-btn-detail = 📄 详情
dep-supervise-done = ✅ 您已督办 { $ref }，网格已收到通知，后续每一步都会推送给您。
dep-already-supervised = { $ref } 已有代表在督办。
dep-supervising-grid = 🔔 <b>{ $level }人大代表 { $deputy } 正在督办诉求 { $ref }</b>，请抓紧办理并及时反馈。
dep-supervising-assignee = 🔔 人大代表 { $deputy } 正在督办您负责的诉求 { $ref }，请抓紧办理。

## 推送设置
dep-settings-title = 选区诉求的推送方式：
dep-mode-default = 默认：紧急的即时推送，其余每日汇总
dep-mode-all = 全部即时推送
dep-mode-digest = 仅每日汇总
dep-mode-off = 关闭推送
dep-settings-saved = 已保存

## 每日汇总
digest-title = 📋 <b>选区诉求每日汇总</b>（{ $date }），共 { $count } 条：
digest-item = · { $ref } { $grid } · { $what } · { $status }

## 集中履职日
duty-theme = 本月主题：{ $theme }
duty-eve-text =
    📅 <b>明天（{ $date }）是集中履职日</b>
    { $name }代表，请安排到选区（{ $constituency }）走访，听取群众意见。
duty-day-text =
    📅 <b>今天（{ $date }）是集中履职日</b>
    { $name }代表，今天请到选区（{ $constituency }）走访。
    选区诉求：办理中 { $open } 件，超期 { $overdue } 件，近一个月新增 { $new } 件。
    走访结束后请点击下方按钮记录。
dep-btn-log-visit = 📝 记录走访

## 记录走访
visit-ask-residents = 本次走访共接待/见到了多少位群众？请输入数字。
visit-residents-invalid = 请输入一个数字，例如 12。
visit-ask-places = 走访了哪些地点？（例如：南大街社区活动室、东大街菜市场）
visit-text-invalid = 请用文字输入（不超过 { $max_chars } 字），发送 /cancel 取消。
visit-ask-notes = 有什么走访情况需要记录？（可跳过）
dep-btn-skip = 跳过
visit-ask-matters = 收集到的群众诉求：每条发一条消息（最多 { $max_matters } 条）。全部发完后点「完成」。
visit-matter-noted = 已记下第 { $count } 条。继续发送下一条，或点「完成」。
visit-matter-invalid = 每条诉求请用文字（2 至 { $max_chars } 字），最多 { $max_matters } 条。点「完成」保存。
dep-btn-visit-done = ✅ 完成
visit-saved = ✅ 走访已记录：见到群众 { $residents } 位，收集诉求 { $matters } 条。下面每条都可以直接转为诉求交网格办理。
visit-matter = 📌 { $text }
dep-btn-matter-issue = 📝 转为诉求

## 每月主题（管理员）
theme-admins-only = 只有管理员可以设置联络站的每月主题。
theme-usage =
    用法：/theme 联络站代码 [年-月] 主题
    例如：/theme S-GC 老旧小区改造
    { $stations }
theme-unknown-station = 没有代码为 { $code } 的联络站。
theme-set = ✅ { $station } { $period } 的主题：{ $theme }

## 履职积分（每季度）
quarter-deputy =
    🏅 <b>{ $quarter } 履职积分</b>
    { $name }代表，本季度积分 { $total } 分。
    { $months }
quarter-month = { $month }：{ $points } 分
quarter-admin-title = 🏅 <b>{ $quarter } 代表履职积分</b>（共 { $count } 位代表，详见附件）
quarter-admin-row = { $rank }. { $name }（{ $station }）{ $total } 分
quarter-admin-file = { $quarter } 代表履职积分表
