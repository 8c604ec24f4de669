## Gridline 民情直通车 — 简体中文（源语言）
## 变量中的用户文字已在代码中转义；这里的 HTML 标签是我们自己的格式。

yes = 有
no = 无

## 菜单与通用按钮
menu-title = 请选择您要办理的事项：
menu-report = 📝 反映问题
menu-my-issues = 📋 我的诉求
menu-services = 📖 服务清单
menu-help = ❓ 帮助
btn-menu = 🏠 返回菜单
btn-back = ⬅️ 返回
btn-cancel = ✖️ 取消
btn-next = ➡️ 下一步
btn-confirm = ✅ 确认提交
btn-edit = ✏️ 修改
btn-resume = ▶️ 继续填写
btn-restart = 🔄 重新开始
btn-keep-grid = 📍 还是「{ $grid }」
btn-other-grid = 选择其他网格
btn-skip-phone = 跳过，不留电话
btn-share-phone = 📱 分享我的手机号
phone-placeholder = 或直接输入手机号
btn-claim = 🙋 认领
btn-resolve = ✅ 办结
btn-detail = 📄 详情
btn-no-comment = 不用了，直接提交评价
btn-prev-page = ⬅️ 上一页
btn-next-page = 下一页 ➡️
btn-back-to-list = ⬅️ 返回列表
edit-grid = 网格
edit-category = 类别
edit-description = 问题描述
edit-phone = 联系电话

## 开始
start-greeting =
    您好，{ $name }！这里是<b>民情直通车</b>。
    有什么困难和诉求，都可以在这里向您所在的网格反映：群众点单、网格派单、干部买单，件件有着落、事事有回音。
    办理的每一步进展都会第一时间通知您。
start-unknown-grid = 抱歉，没有找到这个二维码对应的网格，请在下面的菜单中选择。
help-text =
    <b>使用说明</b>
    📝 反映问题：选择所在网格和问题类别，描述情况（可附照片、位置、语音），确认后提交，您会收到一个诉求编号。
    🔔 进展通知：网格员认领、答复、办结时，我们都会发消息告诉您。
    💬 补充沟通：直接「回复」我们发给您的关于某条诉求的消息，内容就会转给负责的网格员。
    ⭐ 评价：办结后请对结果评价；如果不满意，诉求会重新交给网格办理。
    📋 我的诉求：查看您反映过的所有诉求及其办理过程。
    命令：/report 反映问题 · /my 我的诉求 · /services 服务清单 · /language 切换语言 · /cancel 取消当前操作
language-set = 已切换为简体中文。
unknown-command = 抱歉，我不认识这个命令。请使用下面的菜单，或发送 /help 查看说明。
nothing-to-cancel = 当前没有需要取消的操作。
free-text-hint = 如需反映问题，请点击「📝 反映问题」。如果是对某条诉求的补充，请直接「回复」我们发给您的那条消息。

## 服务清单
services-title = <b>📖 服务清单</b>（可反映的事项类别）
services-item = { $index }. <b>{ $name }</b> — { $description }
services-footer = 点击「📝 反映问题」即可提交。

## 反映问题
report-draft-exists = 您还有一条没有提交的诉求草稿，要继续填写吗？
report-remembered-grid = 您上次反映问题的网格是：<b>{ $grid }</b>。这次还是这里吗？
report-grid-from-link = 已为您选择网格：<b>{ $grid }</b>
report-choose-township = 第 1 步：请选择您所在的<b>乡镇（街道）</b>：
report-choose-village = 第 1 步：请选择<b>{ $township }</b>下的村（社区）：
report-choose-category = 第 2 步：请选择问题<b>类别</b>：
report-describe =
    第 3 步：请<b>描述问题</b>：发生了什么、在哪里、希望怎么解决。
    可以发送多条文字，也可以附上照片（最多 { $max_photos } 张）、位置或一段语音。
    填写好后点「下一步」。
describe-progress = 已记录：文字 { $chars }/{ $max_chars } 字 · 照片 { $photos }/{ $max_photos } · 位置 { $location } · 语音 { $voice }
describe-text-saved = ✅ 文字已记录，可继续补充，或点「下一步」。
describe-photo-saved = ✅ 已收到第 { $count } 张照片（最多 { $max_photos } 张）。
describe-location-saved = ✅ 位置已记录。
describe-voice-saved = ✅ 语音已保存。
describe-empty = 描述不能为空，请用文字说明您遇到的问题。
describe-too-long = 这段文字太长了：问题描述最多 { $max_chars } 字（已记录 { $used } 字）。这段没有保存，请精简后再发送，之前的内容都还在。
describe-too-many-photos = 最多只能附 { $max_photos } 张照片，这张没有保存。之前的照片都还在，可以点「下一步」继续。
describe-no-forward = 为了准确记录，请直接输入您的情况，不要转发别人的消息。已填写的内容都还在。
describe-unsupported = 这里可以发送文字、照片（最多 { $max_photos } 张）、位置或语音。这条消息的类型无法保存，已填写的内容都还在。
describe-unknown-command = 正在填写诉求，这个命令无法使用。请继续描述问题，或点「取消」放弃本次填写。
describe-need-text = 请先用文字（或语音）描述一下问题，再点「下一步」。
voice-only-description = （语音留言，见附件）
report-phone-options = 第 4 步（可选）：留下<b>联系电话</b>，方便网格员联系您。不想留也可以跳过。
report-phone = 点下方「📱 分享我的手机号」按钮，或直接输入号码。电话只对负责的工作人员可见，卡片上会隐去中间四位。
phone-invalid = 这看起来不是一个电话号码。请点「📱 分享我的手机号」，或输入 7–20 位数字的号码，也可以点「跳过」。
phone-not-yours = 请分享<b>您本人</b>的手机号（点下方按钮即可），或直接输入号码。
phone-saved = ✅ 电话已记录。
phone-skipped = 好的，不留电话。
report-use-buttons = 请点击上面消息中的按钮进行选择；已填写的内容都还在。如需放弃，请点「取消」或发送 /cancel。
review-title = <b>第 5 步：请核对您的诉求</b>
review-grid = 网格：{ $grid }
review-category = 类别：{ $category }
review-description = 描述：{ $description }
review-attachments = 照片：{ $photos } 张 · 位置：{ $location } · 语音：{ $voice }
review-phone = 联系电话：{ $phone }
review-no-phone = 未留
review-incomplete = 诉求还不完整，请补充问题描述。
report-edit-which = 要修改哪一项？
report-cancelled = 已取消本次填写。
report-submitted =
    ✅ 提交成功！诉求编号：<b>{ $ref }</b>
    网格员会尽快认领办理，每一步进展都会通知您。

## 推送给群众的进展
push-received =
    📮 您的诉求已受理
    编号：<b>{ $ref }</b>（{ $category }）
    已派送至「{ $grid }」网格，网格员会尽快认领办理。接下来的每一步进展都会通知您；如需补充情况，直接回复本消息即可。
push-claimed = 🙋 您的诉求 <b>{ $ref }</b> 已由「{ $grid }」网格认领，正在办理中。
push-resolved =
    ✅ 您的诉求 <b>{ $ref }</b> 已办结。
    办理人：{ $who }
    办理情况：{ $note }
    请您对办理结果进行评价：
push-closed = 🙏 感谢您的评价！诉求 <b>{ $ref }</b> 已办结归档。
push-reopened = 🔁 收到您的意见。诉求 <b>{ $ref }</b> 已重新交给「{ $grid }」网格办理，后续进展会继续通知您。
relay-from-grid =
    💬 <b>「{ $grid }」网格回复</b>（{ $ref }）：
    { $text }

    直接回复本消息可以继续沟通。
relay-from-citizen =
    🗣 <b>群众补充</b>（{ $ref }）：
    { $text }
relay-photo-only = （图片）
reply-relayed-to-grid = ✅ 已转给网格（{ $ref }）。
reply-not-linked = 这条消息不是关于某条诉求的。如需反映新问题，请点「📝 反映问题」。
reply-invalid = 请发送文字（最多 { $max_chars } 字）或照片。

## 评价
rating-satisfied = 😊 满意
rating-basic = 🙂 基本满意
rating-unsatisfied = 😞 不满意
rating-ask-comment = 您选择了「{ $rating }」。还有什么想说的吗？可以直接发送（最多 { $max_chars } 字），或点下方按钮直接提交。
rating-ask-reason = 很抱歉让您不满意。请告诉我们哪里没有解决好（最多 { $max_chars } 字），诉求 { $ref } 会重新交给网格办理；也可以点下方按钮直接提交。
rating-comment-invalid = 请用文字填写意见（最多 { $max_chars } 字），或点「不用了，直接提交评价」。
rating-thanks = 已记录您对 { $ref } 的评价：{ $rating }。谢谢！

## 我的诉求
my-issues-title = <b>📋 我的诉求</b>（点击查看办理过程）
my-issues-empty = 您还没有反映过问题。
my-issues-item = { $ref } · { $status } · { $date }
timeline-title = <b>{ $ref }</b> · { $status }

## 状态与办理记录
status-received = 待认领
status-in-progress = 办理中
status-resolved = 已办结（待评价）
status-closed = 已评价
status-reopened = 重新办理
actor-citizen = 群众
actor-grid = 网格
actor-system = 系统
event-submitted = { $time } · { $who } 提交诉求
event-claimed = { $time } · { $who } 认领
event-answered = { $time } · { $who } 答复
event-citizen-replied = { $time } · { $who } 补充
event-resolved = { $time } · { $who } 办结
event-rated = { $time } · { $who } 评价
event-reopened = { $time } · 因群众不满意，重新办理

## 网格工作群
card-new = 🆕 <b>新诉求</b> { $ref }
card-reopened = 🔁 <b>群众不满意，重新办理</b> { $ref }
card-headline = 📋 <b>诉求</b> { $ref }
card-category = 类别：{ $category }
card-grid = 网格：{ $grid }
card-received-at = 受理时间：{ $time }
card-phone = 电话：{ $phone }
card-has-location = 位置：见下方定位
card-status = 状态：{ $status }
card-status-assignee = 状态：{ $status }（{ $assignee }）
card-unsatisfied-comment = 群众意见：{ $comment }
claim-done = 已认领 { $ref }。回复这张卡片即可答复群众。
answer-relayed = ✅ 已转达群众（{ $ref }）。
resolve-prompt = <a href="tg://user?id={ $user_id }">{ $name }</a>，请<b>回复本消息</b>填写 { $ref } 的办结说明（可附一张照片）。
resolve-placeholder = 办结说明
resolve-not-yours = 请由点「办结」的同事回复办结说明；如需由您办结，请先点卡片上的「办结」。
resolve-need-note = 请用文字写明办结情况（最多 { $max_chars } 字），照片可以一起发送。
resolve-done = ✅ { $ref } 已办结，已通知群众评价。
group-reply-not-linked = 这条消息不对应任何诉求。答复群众请直接回复诉求卡片。
group-answer-invalid = 请发送文字（最多 { $max_chars } 字）或照片，才能转达给群众。
group-not-bound = 本群尚未绑定网格。管理员可以发送 /bind 网格编码 进行绑定。
group-help =
    本群是「{ $grid }」网格的工作群。新诉求会以卡片形式发到这里：
    · 点「认领」接单；
    · 直接回复卡片即可答复群众，群众的回复也会出现在卡片下；
    · 点「办结」并回复办结说明，群众会收到评价邀请。
bind-admins-only = 只有管理员可以绑定或解绑网格。
bind-usage = 用法：/bind 网格编码，例如 /bind GC01
bind-unknown-grid = 没有找到编码为「{ $code }」的网格，请核对后重试。
bind-grid-taken = 「{ $grid }」已绑定到群「{ $title }」。请先在那个群发送 /unbind，再在本群绑定。
bind-done = ✅ 本群已绑定为「{ $grid }」（{ $code }）网格的工作群，新诉求会发到这里。
unbind-done = 已解除本群与网格的绑定。
admin-unrouted = ⚠️ 诉求 <b>{ $ref }</b> 所在网格「{ $grid }」及其上级都没有绑定工作群，暂时无人接收。请尽快用 /bind 绑定。

## 错误
error-not-allowed = 抱歉，您无权进行这个操作。
error-wrong-status = 这条诉求当前状态为「{ $status }」，不能进行这个操作。
error-issue-not-found = 没有找到这条诉求。
error-unexpected = 抱歉，系统出了点问题，请稍后再试。您已填写的内容不会丢失。
error-stale-choice = 这个选项已失效，请在最新的消息中重新选择。
error-stale-button = 这个按钮已失效，请使用最新的消息或发送 /start。

## 命令菜单
command-start = 开始 / 主菜单
command-report = 反映问题
command-my = 我的诉求
command-services = 服务清单
command-language = 切换语言 / Language
command-help = 使用说明
command-cancel = 取消当前操作
command-bind = 绑定本群到网格（管理员）
command-unbind = 解除绑定（管理员）
