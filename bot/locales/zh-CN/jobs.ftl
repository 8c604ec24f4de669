# 定时任务每次运行后的一行小结：写入日志（英文），并显示在 `gridline jobs run` 和沙盒的时间控件里。
job-already-run = 本时段（{ $slot }）已运行过（由其他实例或之前的运行）
job-lookback = 已向 { $first } 位群众发起回访，其中 { $again } 位为再次询问
job-warn-yellow = 黄色预警：{ $issues } 件诉求
job-reminders = 已排队 { $sent } 条提醒，{ $missed } 条已错过并记录
job-deputy-digest-not-yet = 还没到时间
job-deputy-digest = 已排队 { $sent } 份代表日报
job-quarterly-none-sent = 现在没有要发的（{ $quarter } 的季度积分应在本季度第一周发送，未发送过）
job-quarterly-done = 现在没有要发的（{ $quarter }：已发送 { $sent } 份，错过 { $missed } 份）
job-quarterly-sent = { $quarter }：已排队 { $queued } 份季度积分
job-quarterly-missed = { $quarter }：已过本季度第一周的发送窗口，未发送（已记录为错过，排队 { $queued } 份）
job-outbox-prune = 已清理 { $pruned } 条 { $days } 天前已送达的消息
job-due-soon = 到期提醒：{ $sent } 条消息
job-overdue = 超期提醒：{ $sent } 条消息
job-auto-escalate = 已自动上报 { $issues } 件超期诉求
job-daily-digest = 日报：{ $groups } 个群
job-drafts-prune = 已删除 { $forgotten } 个超过 { $days } 天未动的对话（含未提交的诉求草稿）
