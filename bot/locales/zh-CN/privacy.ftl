event-phone-viewed = { $time } · { $who } 查看了群众的完整电话
btn-reveal-phone = 📞 查看完整电话（仅责任人）
privacy-phone = 诉求 { $ref } 群众电话：{ $phone }
    （仅您可见，本次查看已记入办理记录）
privacy-no-phone = 诉求 { $ref } 的群众没有留电话。
btn-anonymous-off = 🙈 匿名反映：否
btn-anonymous-on = 🙈 匿名反映：是
review-anonymous = 匿名反映：网格工作群看不到您的姓名。
privacy-intro =
    🔒 <b>个人信息</b>
    我们保存：您的 Telegram 昵称、语言、联系电话、上次选择的网格，您反映的诉求和补充内容，以及您给人大代表的留言。
    网格工作群只看到打码的电话，完整号码仅在认领诉求的责任人请求时显示，并记入办理记录。
    依照《个人信息保护法》，您可以下载自己的数据，或删除个人信息（诉求本身会匿名保留，用于统计）。
btn-privacy-export = 📥 下载我的数据
btn-privacy-erase = 🗑 删除我的个人信息
btn-privacy-erase-confirm = ⚠️ 确认删除
privacy-export-caption = 这是我们保存的关于您的全部数据（JSON 格式）。
privacy-erase-ask = 确定要删除您的个人信息吗？姓名、电话、位置和您发送的照片、语音将被删除，您的 { $count } 件诉求将匿名保留，此后不再向您推送进展。此操作无法撤销。
privacy-erased = ✅ 已删除您的个人信息。{ $count } 件诉求已匿名保留用于统计。如需再次使用，发送 /start 即可。
