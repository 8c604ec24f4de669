admin-group-unreachable =
    ⚠️ <b>网格工作群无法送达</b>
    群：{ $title }（网格：{ $grid }）
    原因：{ $reason }
    机器人可能已被移出该群。新诉求卡片将无法送达，请把机器人重新拉进群，或在另一个群中发送 /bind 绑定该网格。
