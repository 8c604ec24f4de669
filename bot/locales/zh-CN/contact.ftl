# A citizen's contact details outside their own report: erased (/privacy), or asked for (转为诉求).
dep-citizen-gone = 这位群众已删除个人信息，无法再联系，您的答复没有发出。
contact-ask =
    { $deputy }代表已将您的留言转为诉求 { $ref }，交由网格办理。
    是否同意网格工作人员看到您的姓名和电话，以便联系您？不同意也会照常办理。
btn-contact-share = ✅ 同意提供
btn-contact-keep = 🙈 不提供
contact-shared = ✅ 已向网格提供您在诉求 { $ref } 中的姓名和电话。
contact-kept = 好的，网格工作群看不到您的姓名和电话，诉求 { $ref } 照常办理。
contact-shared-group = 📇 诉求 { $ref } 的群众同意提供联系方式：姓名见办理记录，电话已显示在卡片上（打码，责任人可查看完整号码）。
