# gridline sandbox (bot/sandbox): the page's texts (served by /api/texts; a `{ $name }` is filled in
# by the page) and the sandbox server's own answers.

## The page
sandbox-language-name = 中文
sandbox-languages = 语言
sandbox-page-title = 民情直通车 · 沙盒
sandbox-brand = 民情直通车 · 沙盒
sandbox-brand-note = 本机模拟，不连接 Telegram
sandbox-clock = 时间
sandbox-clock-now = 沙盒时间
sandbox-clock-input = 拨到指定时间
sandbox-clock-submit = 拨到
sandbox-clock-jumped = 已拨到 { $now }，运行到期任务：
sandbox-clock-jumped-idle = 已拨到 { $now }，没有到期的任务
sandbox-chat-list = 会话列表
sandbox-choose-chat = 请选择左侧的会话
sandbox-choose-chat-note = 切换会话即切换身份：群众、网格员、部门联络员、代表、管理员
sandbox-kind-citizen = 群众
sandbox-kind-grid = 网格工作群
sandbox-kind-department = 职能部门
sandbox-kind-deputy = 人大代表
sandbox-kind-admin = 管理员
sandbox-unread = 有新消息
sandbox-no-messages = 还没有消息。
sandbox-bot-sender = 民情直通车（机器人）
sandbox-send-command = 发送这个命令
sandbox-reply = 回复
sandbox-replying = 回复：
sandbox-reply-cancel = 取消回复
sandbox-edited = 已编辑 · { $time }
sandbox-send-photo = 发送照片
sandbox-send-location = 发送位置
sandbox-text-placeholder = 输入消息，或 /start
sandbox-send = 发送
sandbox-photo = 照片
sandbox-file = 文件
sandbox-location = 📍 位置 { $latitude }, { $longitude }
sandbox-voice = 🎤 语音 { $duration } 秒
sandbox-summary-photo = [照片] { $caption }
sandbox-summary-location = [位置]
sandbox-summary-contact = [联系方式]
sandbox-summary-voice = [语音]
sandbox-summary-document = [文件]
sandbox-summary-message = [消息]
sandbox-request-failed = 请求失败（{ $status }）

## Who speaks in each chat (the names come from the demo county)
sandbox-as-resident = 群众 · { $place }居民
sandbox-as-villager = 群众 · { $place }村民
sandbox-as-grid-worker = 网格工作群 · 以网格员{ $name }身份发言
sandbox-as-official = 乡镇（街道）网格 · 以干部{ $name }身份发言
sandbox-as-liaison = 职能部门工作群 · 以联络员{ $name }身份发言
sandbox-as-deputy = 县人大代表 · { $first }、{ $second }
sandbox-as-admin = 人大办 · 管理员

## The time control's jumps
sandbox-preset-duty-day = { $month }月{ $day }日 { $time } 集中履职日
sandbox-preset-hours = +{ $hours } 小时
sandbox-preset-days = +{ $days } 天

## The server's answers
sandbox-error-header = 缺少 X-Sandbox 请求头
sandbox-error-no-chat = 没有这个会话
sandbox-error-json = 请求内容应为一个 JSON 对象
sandbox-error-reply-gone = 所回复的消息已不存在
sandbox-error-text = 消息不能为空，也不能超过 { $max } 个字
sandbox-error-message-gone = 这条消息已不存在
sandbox-error-button-gone = 这个按钮已经不在了
sandbox-error-photo = 请选择一张 PNG、JPEG 或 GIF 图片
sandbox-error-time-format = 时间格式不对
sandbox-error-time-backwards = 时间只能向前拨
