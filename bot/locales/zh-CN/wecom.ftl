# 企业微信群机器人：只发不收，卡片说明在哪里办理
wecom-card-media = 📎 附有照片、语音或定位，请在工作群中查看
wecom-card-where = 请在本级网格工作群（Gridline）中认领、研判、回复和办结
