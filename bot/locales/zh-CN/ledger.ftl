## 台账、导出、挂图作业（issue 3）

ledger-title = 📒 <b>{ $scope } · 台账</b>（在办 { $total } 件，其中超期 { $overdue } 件，按时限排序）
ledger-empty = 暂无在办诉求。
ledger-row = • <b>{ $ref }</b> · { $status } · 时限 { $deadline } · { $unit }
    　{ $grid } · { $category } · { $description }
ledger-row-overdue = 🔴 <b>{ $ref }</b> · <b>已超期</b> · 时限 { $deadline } · { $unit }
    　{ $grid } · { $category } · { $description }
ledger-no-deadline = 待研判
ledger-page = 第 { $page }/{ $pages } 页
ledger-not-available = 这里没有可查看的台账：请在已绑定网格的工作群中使用，或由登记在册的工作人员、管理员在私聊中使用。

export-admins-only = 只有管理员可以导出台账。
export-usage = 用法：/export [开始日期 [结束日期]] [网格编码]，日期格式为 2026-11-01。
export-working = ⏳ 正在生成台账，请稍候……
export-unknown-grid = 没有找到编码为「{ $code }」的网格。
export-filename = 网格台账.xlsx
export-done = 📒 台账已导出，共 { $count } 件诉求。

ledger-sheet-title = 台账
ledger-col-ref = 编号
ledger-col-received = 受理时间
ledger-col-grid = 网格
ledger-col-category = 类别
ledger-col-description = 诉求内容
ledger-col-disposition = 研判结果
ledger-col-unit = 责任单位
ledger-col-responsible = 责任人
ledger-col-deadline = 办理时限
ledger-col-status = 办理状态
ledger-col-resolved = 办结时间
ledger-col-overdue = 是否超期
ledger-col-rating = 满意度
ledger-overdue-yes = 是
ledger-overdue-no = 否
ledger-rating-satisfied = 满意
ledger-rating-basic = 基本满意
ledger-rating-unsatisfied = 不满意

stats-title = { $scope } 挂图作业（{ $start } 至 { $end }）
stats-received = 受理
stats-on-time = 按时办结
stats-overdue = 超期
stats-count = 件数
stats-no-rating = 暂无评价
stats-satisfaction = 满意度 { $score } · { $tier }
tier-satisfied = 满意
tier-basic = 基本满意
tier-unsatisfied = 不满意
stats-not-available = 只有已绑定网格的工作群或管理员可以查看统计图。
