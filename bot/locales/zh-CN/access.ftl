## 角色与权限：只有管理员能生成邀请链接，角色只能通过邀请获得

role-citizen = 群众
role-worker = 网格员
role-official = 工作人员
role-liaison = 部门联络员
role-deputy = 人大代表
role-admin = 管理员

invite-welcome-liaison = ✅ 绑定成功：您已登记为「{ $name }」的联络员。交办给该部门的诉求会发送给您，直接「回复」诉求卡片即可答复群众。
invite-admins-only = 只有管理员可以管理角色和邀请链接。
invite-usage =
    用法：/invite 角色 对象 [有效天数]
    角色：worker（网格员，对象为网格代码）、official（工作人员，对象为网格代码）、liaison（部门联络员，对象为部门代码）、deputy（人大代表，对象为代表码）。
    有效天数 1–{ $max_days }，默认 7 天。例如：/invite worker GC01
invite-unknown-target = 没有找到{ $role }的对象「{ $target }」，请检查代码。
invite-created =
    🔗 { $role } · { $name } 的邀请链接：
    <code>{ $link }</code>
    只能使用一次，{ $expires } 前有效。请只发给本人。

roles-none = 目前还没有人通过邀请获得角色。
roles-title = 👥 已授权 { $count } 人次：
roles-line = · { $role } { $scope } — { $name }（{ $user_id }）
revoke-usage = 用法：/revoke 用户ID 角色 对象，例如：/revoke 2002 worker GC01（发送 /roles 查看）
revoke-done = ✅ 已收回用户 { $user_id } 的这个角色。
revoke-missing = 用户 { $user_id } 没有这个角色。

whoami-title = 您的用户ID：<code>{ $user_id }</code>
whoami-line = · { $role } { $scope }
whoami-citizen = · 群众（可以反映问题、查看自己的诉求）

help-admin =
    <b>管理员</b>
    /invite 角色 对象 — 生成一次性邀请链接（网格员、工作人员、部门联络员、人大代表只能通过邀请获得角色）
    /roles — 查看已授权的人 · /revoke 用户ID 角色 对象 — 收回角色 · /whoami — 我的角色
    在工作群中：/bind 网格代码 · /binddept 部门代码 · /unbind
