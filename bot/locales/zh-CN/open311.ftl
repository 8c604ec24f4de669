# Open311 GeoReport v2 (bot/open311): what city systems read in status_notes and service_notice.
open311-note-claimed = 网格员已认领，正在办理
open311-note-answered = 网格已答复群众
open311-note-resolved = 已办结
open311-note-explained = 已宣传解释
open311-note-handled = 研判：立即办理
open311-note-assigned = 研判：交办职能部门办理
open311-note-escalated = 已上报上一级
open311-note-sent-back = 已退回下一级办理
open311-note-reopened = 群众不满意，重新办理
open311-note-supervised = 人大代表督办中
open311-note-rated = 群众已评价
open311-notice-deadline = 办理时限一般为 { $days } 个工作日
open311-grid-datatype = 网格代码
open311-grid-description = 诉求所在的网格（村、社区或乡镇街道）
open311-address-line = 地址：{ $address }
open311-media-line = 图片：{ $url }
# discovery.json: whom a city system asks for help and for an API key.
open311-contact-operator = 请联系本系统的运营单位
open311-key-service = 提交诉求需要 API 密钥，由本系统的运营单位签发。联系方式：{ $contact }
