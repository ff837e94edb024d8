# Thông báo qua email cho người đọc (ADR 0023): không nêu hồ sơ, loại, nhà máy hay nội dung nào.
notification-subject = Worker Voice: có hồ sơ đang chờ bạn
notification-intro = Có hồ sơ đang chờ bạn trên kênh { $route }:
notification-new = { $count } hồ sơ mới
notification-answered = { $count } hồ sơ mà người lao động đã viết thêm
notification-overdue = { $count } hồ sơ đã quá hạn
notification-sign-in = Đăng nhập để đọc: { $url }
notification-why = Thư này cố ý không nói gì về hồ sơ nào. Bạn nhận được thư vì đã yêu cầu thông báo qua email trong bảng điều khiển; bạn có thể tắt ở trang Thông báo.
notification-route-factory-committee = ủy ban nhà máy
notification-route-independent-hotline = đường dây nóng độc lập
notification-route-brand = nhãn hàng
