# `gridline` 命令（bot/cli.py、bot/cli_text.py）对运维人员说的话。语言取 DEFAULT_LOCALE。
# 日志行和 typer 的 --help 保持英文。

## 设置（bot/config.py）：“设置名：原因；应为……”。设置名照原样写出。
cli-setting-line = { $setting }：{ $reason }；应填写：{ $expected }
cli-setting-line-bare = { $setting }：{ $reason }
cli-setting-unknown-locale = 未知的语言 { $value }
cli-setting-not-an-id = 不是 Telegram 用户 ID：{ $value }
cli-setting-not-a-zone = 不是已知的时区
cli-setting-not-a-token = 不是机器人令牌
cli-setting-not-json = 不是 JSON（第 { $position } 个字符处）
cli-setting-not-an-object = 不是 JSON 对象
cli-setting-unknown-action = 未知的履职行为 { $action }
cli-setting-not-http = 不是 http(s) 地址
cli-setting-no-slash = 没有以 / 开头
cli-setting-not-a-jurisdiction = 不是合规的辖区编号
cli-setting-not-a-database = 不是数据库地址
cli-setting-no-file = 没有文件 { $path }
cli-setting-reserve = GROUP_CARD_RESERVE_PER_MINUTE 必须小于 FLOOD_GROUP_PER_MINUTE（{ $reserve } >= { $limit }）
# pydantic 自带的检查，按错误类型
cli-setting-greater-than = 应大于 { $gt }
cli-setting-greater-than-equal = 应大于或等于 { $ge }
cli-setting-less-than = 应小于 { $lt }
cli-setting-less-than-equal = 应小于或等于 { $le }
cli-setting-int-parsing = 不是整数
cli-setting-int-from-float = 不是整数（有小数部分）
cli-setting-float-parsing = 不是数字
cli-setting-bool-parsing = 不是布尔值（true 或 false）
cli-setting-time-parsing = 不是有效的时刻
# 各项设置应有的形式
cli-expected-number = 大于 0 的数
cli-expected-bot-token = @BotFather 给的令牌，如 123456789:AAE...
cli-expected-database-url = sqlite:///path/to/file.db 或 postgresql://user:pass@host:5432/db
cli-expected-timezone = 时区名称，如 Asia/Shanghai
cli-expected-default-locale = { $locales } 之一
cli-expected-admin-ids = 用逗号分隔的 Telegram 用户 ID，如 111,222
cli-expected-telegram-api-base = http(s) 地址，如 https://api.telegram.org
cli-expected-wecom-api-base = http(s) 地址，如 https://qyapi.weixin.qq.com
cli-expected-webhook-url = Telegram 推送更新的公网 https 地址
cli-expected-webhook-path = 以 / 开头的路径，如 /telegram/webhook
cli-expected-webhook-port = 1 到 65535 的端口号
cli-expected-open311-port = 1 到 65535 的端口号
cli-expected-open311-posts-per-minute = 大于 0 的整数
cli-expected-open311-jurisdiction = 辖区编号，例如 gridline.example.org（字母、数字和 . - _，最多 100 个字符）
cli-expected-sandbox-port = 1 到 65535 的端口号（0：任一空闲端口）
cli-expected-demo-org-file = 组织文件（YAML）的路径
cli-expected-deputy-duty-day = 每月的第几天，1 到 31
cli-expected-deputy-day-time = 一天中的时刻 HH:MM，如 08:30
cli-expected-deputy-eve-time = 一天中的时刻 HH:MM，如 18:00
cli-expected-deputy-points = JSON 对象，如 {"{"}"visit": 5, "reply": 1{"}"}，行为限于 { $actions }
cli-expected-due-soon-working-days = 工作日天数，0 到 10 的整数
cli-expected-draft-keep-days = 1 到 365 的天数
cli-expected-escalation-grace-working-days = 工作日天数，0 到 30 的整数

## gridline run
cli-no-token =
    未设置 BOT_TOKEN。

    请在 Telegram 中找 @BotFather 创建机器人（发送 /newbot，起一个名字和以 "bot" 结尾的用户名），
    再把它给的令牌写进环境变量，或写进运行 gridline 的目录下的 .env 文件：

        BOT_TOKEN=123456789:AA...your-token...

    全部设置见 .env.example。
cli-webhook-needs-url = --webhook 需要 WEBHOOK_URL，即 Telegram 推送更新的公网 https 地址。

## 数据库（storage/database.py、storage/migrate.py）
cli-database-unavailable = 无法打开数据库 { $where }：{ $reason }
cli-schema-before-migrations = 数据库建于 Gridline 引入迁移之前：请先运行 `gridline db upgrade`。
cli-schema-newer = 数据库结构（{ $found }）比本版 Gridline 所知的（{ $wanted }）更新。
cli-schema-behind = 数据库结构为 { $found }，本版 Gridline 需要 { $wanted }：请先运行 `gridline db upgrade`。
cli-db-newest = 数据库已是最新结构（{ $revision }），无需升级。
cli-db-upgraded = 已将数据库从 { $before } 升级到 { $after }。
cli-db-nothing = 空库
cli-db-revision-written = 已写入 { $path }：提交前请先阅读。
cli-db-current = 数据库：{ $current }；本版 Gridline：{ $head }
cli-db-no-revision = 无版本

## 命令写出的文件（--out）
cli-out-is-folder = { $path } 是文件夹：--out 请给文件名
cli-out-no-folder = 无法写入 { $path }：文件夹 { $folder } 不存在
cli-out-denied = 无法写入 { $path }：没有权限
cli-out-is-file = { $path } 是文件：--out 请给文件夹
cli-out-under-file = 无法创建文件夹 { $path }：{ $file } 是文件
cli-out-folder-denied = 无法写入 { $folder }：没有权限
cli-write-failed = 无法写入 { $path }：{ $reason }

## gridline import（bot/organisation/schema.py）
cli-imported = 已导入 { $grids } 个网格、{ $categories } 个诉求类别、{ $staff } 名工作人员、{ $stations } 个联络站、{ $deputies } 名代表。
cli-org-not-yaml-at = { $path }，第 { $line } 行第 { $column } 列：不是有效的 YAML（{ $problem }）
cli-org-not-yaml = { $path }：不是有效的 YAML（{ $problem }）
cli-org-unreadable = { $path }：无法读取（{ $reason }）
# 是 YAML 但不是组织文件：每个问题一行（校验规则的原文）
cli-org-invalid = { $lines }

## gridline qr、invite、cards
cli-no-grid = 没有代码为 { $code } 的网格。
cli-unknown-role = 未知角色 { $role }：可用 { $roles }。
cli-invite-no-deputy = 没有代表 { $target }
cli-invite-no-department = 没有部门 { $target }
cli-invite-no-grid = 没有网格 { $target }
cli-invite-no-role = 角色 { $role } 不能邀请
cli-invited =
    { $role } { $label }：{ $link }
    仅可使用一次，有效期至 { $expires }
    → { $path }
cli-cards-written = { $deputies } 名代表，{ $files } 个文件 → { $folder }

## gridline jobs
cli-bad-now = --now { $value } 不是日期时间：请用 ISO 8601 格式，如 2026-12-10T08:30
cli-job-line = { $name } 下次 { $when } { $description }
cli-no-job = 没有名为 { $name } 的任务。任务有：{ $jobs }

## gridline export ledger
cli-bad-date = 不是日期（YYYY-MM-DD）：{ $error }
cli-ledger-written = 已将 { $count } 件诉求写入 { $path }

## gridline wecom（bot/wecom/robots.py）
cli-owner-grid = 网格
cli-owner-department = 部门
cli-wecom-added = 已为{ $owner } { $code } { $name } 添加企业微信机器人：{ $secret }
cli-wecom-new-key = 已更换{ $owner } { $code } { $name } 的企业微信机器人密钥：{ $secret }
cli-wecom-removed = 已移除{ $owner } { $code } { $name } 的企业微信机器人（{ $secret }）。
cli-wecom-none = 还没有企业微信机器人。添加：gridline wecom set <code> <key>
cli-wecom-line = { $owner } { $code } { $secret }  添加于 { $added }  { $name }
cli-wecom-not-a-webhook = 不是企业微信机器人的 webhook 地址：应为 { $address }
cli-wecom-no-key-in-address = webhook 地址里没有 key=…（请从机器人设置中完整复制）
cli-wecom-not-a-key = 不是企业微信机器人密钥：应为 36 个字符，如 xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx，或机器人的完整 webhook 地址
cli-wecom-no-robot = { $code } 没有企业微信机器人。
cli-wecom-code-twice = { $code } 既是网格代码又是部门代码：请在组织文件中改掉其中一个。
cli-wecom-unknown-code = 没有代码为 { $code } 的网格或部门。

## gridline apikey、gridline api（bot/open311）
cli-apikey-created =
    { $name } 的 API 密钥（只显示这一次，请妥善保管）：
    { $secret }
cli-apikey-none = 还没有 API 密钥。创建：gridline apikey create <name>
cli-apikey-column-name = 名称
cli-apikey-column-key = 密钥
cli-apikey-column-state = 状态
cli-apikey-column-created = 创建于
cli-apikey-column-requests = 提交诉求数
cli-apikey-column-last-request = 最近提交
cli-apikey-column-last-used = 最近使用
cli-apikey-state-active = 有效
cli-apikey-state-revoked = 已吊销 { $when }
cli-apikey-name-kept = 名为 { $name } 的密钥已吊销，吊销的密钥保留名称（以便查明每条诉求由哪个密钥提交）：请换一个名称。
cli-apikey-revoked-already = 密钥 { $name } 已经吊销。
cli-apikey-never = 从未
cli-apikey-revoked = 已吊销 API 密钥 { $name }。
cli-apikey-bad-name = 密钥名称须为 1 到 { $most } 个字符。
cli-apikey-taken = 已有名为 { $name } 的密钥：请先吊销它，或换一个名称。
cli-apikey-unknown = 没有名为 { $name } 的密钥。查看：gridline apikey list
cli-api-exposed = 正在 { $host } 上提供服务：能访问到它的任何人都能读取每件诉求的公开字段。

## gridline sandbox
cli-sandbox-exposed = 警告：正在 { $host } 上监听：能访问到这个地址的任何人都能以沙盒里的任一角色操作。沙盒只有演示数据，从不连接 Telegram。
cli-sandbox-open = Gridline 沙盒：请打开 { $url }（按 Ctrl-C 停止）。
cli-sandbox-cannot-listen = 无法在 { $host }:{ $port } 上监听：{ $reason }

## gridline jobs list：各任务做什么
cli-job-outbox-prune = 清理 30 天前已送达的发件箱记录
cli-job-due-soon = 期限前一个工作日提醒责任人和所在群
cli-job-overdue = 每天一次提醒所有超期诉求
cli-job-auto-escalate = 超期上报：超期超过宽限期的诉求自动上报
cli-job-daily-digest = 09:00 向各群发送日报：新增、今日到期、超期、昨日办结
cli-job-duty-eve = 集中履职日：前一天晚上提醒代表（默认前一天 18:00）
cli-job-duty-day = 集中履职日：当天早上提醒代表，附选区数据（默认 08:30）
cli-job-deputy-digest = 每天向代表发送选区诉求摘要（20:00）
cli-job-deputy-quarterly = 履职积分：每位代表的季度积分，并向管理员发送汇总表（1、4、7、10 月 1 日 09:00）
cli-job-lookback = 回访：诉求办结后（LOOKBACK_DAYS 天）询问群众问题是否解决
cli-job-warn-yellow = 🟡 诉求时限用去 70% 时：卡片变黄，告知责任人
cli-job-drafts-prune = 删除超过 DRAFT_KEEP_DAYS 天未动的对话

## gridline run：连接 Bot API（bot/telegram/reach.py）
cli-telegram-unreachable = 无法连接 { $base }：{ $reason }
cli-telegram-refuses-token = { $base } 不接受 BOT_TOKEN（401 Unauthorized）：请检查令牌
cli-telegram-unusable = 无法使用 { $base }：{ $reason }
cli-telegram-webhook-refused = Telegram 不接受 webhook 地址 { $url }：{ $reason }（请检查 WEBHOOK_URL）
