# Open311 GeoReport v2 (bot/open311): what a 12345 platform or city system reads.
open311-citizen = 群众
open311-resolution = 办结说明：{ $note }
open311-via = 经「{ $client }」接口提交
open311-notice = 已受理，已交所在网格办理。
