throttle-messages = 您发送得太快了，请稍等片刻再继续（每分钟最多 { $per_minute } 条）。刚才的消息未被处理，稍后请重新发送。
throttle-reports = 您近一小时已提交 { $per_hour } 件诉求，请稍后再提交。这份草稿已为您保留。
