## 跟进：重复诉求、关注、回访（issue 18：1、2、7）

dup-title = 🔎 <b>已有人反映过类似问题？</b>
    本网格近 30 天内同类的在办诉求有 { $count } 件：
dup-item = { $n }. <b>{ $ref }</b>（{ $date }）{ $summary }
dup-hint = 如果是同一件事，点 👍 关注它，办理进展会同样推送给您，不必重复提交；不是的话，请继续提交新诉求。
dup-btn-follow = 👍 关注 { $ref }
dup-btn-new-report = ➡️ 不是同一件事，继续提交
dup-followed = 👍 已关注诉求 <b>{ $ref }</b>，办理进展会推送给您。您的草稿已结束，无需再提交。
followthrough-changed = 诉求 { $ref } 的情况已经变化，这个按钮已失效。请查看最新消息，或在「我的诉求」中查看进展。
follow-push-title = 👍 您关注的诉求 <b>{ $ref }</b> 有新进展：
follow-push-resolved =
    ✅ 您关注的诉求 <b>{ $ref }</b> 已办结。
    办理情况：{ $note }
follow-push-explained =
    💬 您关注的诉求 <b>{ $ref }</b>，网格的答复如下：
    { $note }
follow-push-closed = 📁 您关注的诉求 <b>{ $ref }</b> 已评价归档。
follow-push-reopened = 🔁 您关注的诉求 <b>{ $ref }</b> 因群众不满意，已重新交给「{ $grid }」网格办理。
follow-push-lookback-reopened = 🔁 您关注的诉求 <b>{ $ref }</b> 回访时群众反映没有解决，已重新交给「{ $grid }」网格办理。
follow-push-duplicate = 🔁 您关注的诉求 <b>{ $ref }</b> 与诉求 <b>{ $original }</b> 是同一件事，已并入办理，您已改为关注 { $original }。
card-followers = 👍 { $count } 人关注
card-duplicate-of = 🔁 重复件，已并入 { $ref }

dup-btn-mark = 🔁 重复件（并入已有诉求）
dup-mark-none = 本网格近 30 天内没有同类的其他在办诉求，无法将 { $ref } 标为重复件。
dup-mark-choose = 🔁 { $ref } 与哪一件诉求重复？选中后 { $ref } 将办结归档，群众会改为关注原诉求。
dup-marked = 🔁 { $ref } 已标为重复件，并入 { $original }。群众已收到通知。
dup-closed-push = 🔁 您的诉求 <b>{ $ref }</b> 与诉求 <b>{ $original }</b> 反映的是同一件事，已由{ $who }合并办理。您已自动关注 { $original }，办理进展会推送给您。
event-marked-duplicate = { $time } · { $who } 标为重复件
event-duplicate-joined = { $time } · { $who } 并入一件重复诉求
dep-step-marked-duplicate = 已标为重复件

lookback-question =
    📞 <b>回访</b> · 诉求 <b>{ $ref }</b>（{ $category }）
    { $description }

    办结已经一段时间了，问题解决了吗？
lookback-question-again =
    📞 <b>再次回访</b> · 诉求 <b>{ $ref }</b>（{ $category }）
    { $description }

    上次您说还不清楚，现在问题解决了吗？
lookback-btn-solved = ✅ 已解决
lookback-btn-not-solved = ❌ 没解决
lookback-btn-unsure = 🤔 不清楚
lookback-answer-solved = 回访：已解决
lookback-answer-not-solved = 回访：没解决
lookback-answer-unsure = 回访：不清楚
lookback-ask-reason = 很抱歉问题还没解决。请用文字说明哪里没解决（必填，最多 { $max_chars } 字），诉求 { $ref } 会重新交给网格办理。
lookback-reason-invalid = 请用文字说明没解决的原因（最多 { $max_chars } 字）。
lookback-thanks = 🙏 谢谢您的答复（{ $answer }），诉求 { $ref } 的回访已记录。
lookback-thanks-unsure = 🙏 已记录（{ $answer }）。过些天我们会再问您一次诉求 { $ref } 的情况。
lookback-reopened = 🔁 已记录。诉求 { $ref } 已重新交给网格办理（重办），进展会继续通知您。
lookback-reopened-push = 🔁 回访中您反映诉求 <b>{ $ref }</b> 没有解决，已重新交给「{ $grid }」网格办理。
lookback-reopened-push-deadline = 🔁 回访中您反映诉求 <b>{ $ref }</b> 没有解决，已重新交给「{ $grid }」网格办理，新的办理时限：{ $deadline }。
card-lookback-reopened = 🔁 <b>回访没解决，重新办理</b> { $ref }
event-lookback-asked = { $time } · 回访群众
event-lookback-answered = { $time } · { $who } 答复回访
dep-step-lookback-answered = 群众答复回访
dep-step-duplicate-joined = 并入一件重复诉求
dep-step-lookback-asked = 已回访群众

ledger-lookback = 　📞 { $answer }
ledger-col-lookback = 回访结果
stats-lookback-title = 📞 回访结果
stats-lookback-unit = { $unit }：已解决 { $solved } · 没解决 { $not_solved } · 不清楚 { $unsure } · 解决率 { $rate }
stats-lookback-none = 暂无回访答复
