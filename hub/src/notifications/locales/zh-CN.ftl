# 给读者的电子邮件通知（ADR 0023）：不提任何案件、类别、工厂或内容。
notification-subject = Worker Voice：有案件在等您处理
notification-intro = 在“{ $route }”渠道上有案件等您处理：
notification-new = { $count } 个新案件
notification-answered = { $count } 个案件中工人再次留言
notification-overdue = { $count } 个案件已超过期限
notification-sign-in = 请登录查看：{ $url }
notification-why = 本邮件特意不包含任何案件信息。您收到它，是因为您在控制台中订阅了电子邮件通知；您可以在“通知”页面关闭。
notification-route-factory-committee = 工厂委员会
notification-route-independent-hotline = 独立热线
notification-route-brand = 品牌
