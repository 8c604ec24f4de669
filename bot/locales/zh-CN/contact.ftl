# A citizen's contact details outside their own report: erased (/privacy), or asked for (转为诉求).
dep-citizen-gone = 这位群众已删除个人信息，无法再联系，您的答复没有发出。
