# Worker Voice app strings — Vietnamese (shipped beside the library as a resource).

app-name = Tiếng Nói Người Lao Động

## Shared
common-back = Quay lại
common-next = Tiếp
common-cancel = Hủy
common-continue = Tiếp tục
common-working = Vui lòng chờ…
common-retry = Thử lại
common-offline = Không có kết nối. Những gì bạn gửi được giữ trên thiết bị này và sẽ gửi sau.

## Enrol
enrol-title = Cài đặt thiết bị này
enrol-hint = Nhập mã cài đặt do nhân viên chương trình đưa, hoặc quét mã QR họ cho bạn xem.
enrol-code-label = Mã cài đặt
enrol-scan = Quét mã QR
enrol-scan-hint = Đưa camera vào mã QR do nhân viên chương trình đưa. Mã sẽ tự được đọc.
enrol-scan-unavailable = Không dùng được camera ở đây. Hãy gõ mã thiết lập.
enrol-scan-none = Không đọc được mã cài đặt trong ảnh đó. Hãy chụp lại để mã chiếm đầy khung hình, hoặc nhập mã cài đặt.
enrol-mode-title = Ai dùng thiết bị này?
enrol-mode-personal = Điện thoại của tôi
enrol-mode-shared = Máy tính bảng dùng chung
enrol-submit = Cài đặt

## Language
language-title = Chọn ngôn ngữ của bạn
language-current = Ngôn ngữ hiện tại

## Sign in
signin-title = Đăng nhập
signin-worker-number = Mã số công nhân
signin-pin = Mã PIN của bạn
signin-submit = Đăng nhập
signin-first-time = Lần đầu? Kích hoạt tài khoản
signin-anonymous-report = Báo cáo mà không cần đăng nhập
signin-attempts-left = Còn { $count } lần thử
activate-title = Kích hoạt tài khoản
activate-hint = Nhập mã số công nhân và mã kích hoạt in trên thẻ công nhân của bạn.
activate-code = Mã kích hoạt
activate-scan = Quét thẻ công nhân của bạn
activate-scan-none = Không đọc được thẻ công nhân trong ảnh đó. Hãy thử lại với mã QR chiếm gần hết ảnh, hoặc nhập mã số công nhân và mã kích hoạt.
activate-choose-pin = Chọn mã PIN gồm 6 chữ số
activate-repeat-pin = Nhập lại mã PIN đó
activate-pins-differ = Hai mã PIN không giống nhau. Hãy chọn lại mã PIN.
activate-submit = Kích hoạt
pinpad-delete = Xóa
    .label = Xóa chữ số cuối
pinpad-entered =
    { $count ->
        [0] Chưa nhập chữ số nào
       *[other] Đã nhập { $count } chữ số
    }

## Home
home-hello = Xin chào, { $name }
home-report = Báo cáo một vấn đề
home-follow-up = Theo dõi bằng biên nhận
home-my-cases = Báo cáo của tôi
home-language = Ngôn ngữ
home-done = Tôi xong rồi
home-queued = { $count } báo cáo đang chờ gửi

## Report
report-title = Báo cáo một vấn đề
report-step = Bước { $step } / { $count }
report-category-title = Vấn đề về việc gì?
report-text-title = Chuyện gì đã xảy ra?
report-text-hint = Viết bằng lời của bạn, bằng bất kỳ ngôn ngữ nào. Nói rõ khi nào và ở đâu.
report-text-label = Báo cáo của bạn
report-identity-title = Bạn có muốn cho biết tên không?
report-named = Cho biết tên tôi
report-named-hint = Người đọc sẽ thấy tên bạn và có thể liên hệ với bạn.
report-anonymous = Giấu tên
report-anonymous-hint = Không ai thấy tên bạn. Hãy giữ biên nhận để đọc câu trả lời.
report-route-title = Ai nên đọc báo cáo này?
report-route-factory_committee = Ủy ban nhà máy
report-route-factory_committee-hint = Công nhân và quản lý của nhà máy bạn.
report-route-independent_hotline = Đường dây nóng độc lập
report-route-independent_hotline-hint = Người bên ngoài nhà máy, làm việc cho chương trình.
report-route-brand = Nhãn hàng
report-route-brand-hint = Công ty mua hàng từ nhà máy của bạn.
report-kiosk-anonymous = Khi không đăng nhập, báo cáo của bạn được giấu tên và không có gì được giữ lại trên máy này. Hãy ghi lại biên nhận ở cuối.
report-route-none = Hãy chọn ít nhất một.
report-route-readers =
    { $count ->
       *[other] { $organisation }: { $count } người có thể đọc
    }
report-route-unnamed = Không có tên trong danh bạ
report-route-single = Chỉ một người có thể đọc báo cáo gửi theo cách này. Nếu người đó mất khóa, không ai đọc được báo cáo của bạn. Hãy chọn thêm một cách nữa.
report-route-readers-unknown = Chưa biết ai có thể đọc. Hãy kết nối một lần để nhận danh sách.
report-review-title = Kiểm tra báo cáo
report-review-category = Về việc
report-review-text = Chuyện đã xảy ra
report-review-identity = Tên của bạn
report-review-route = Người đọc
report-review-named = { $name } (có cho biết tên)
report-change = Sửa: { $what }
report-send = Gửi
report-sending = Đang gửi…

## Receipt
receipt-title = Biên nhận của bạn
receipt-hint = Hãy ghi lại cả hai ngay bây giờ. Bạn cần chúng để đọc câu trả lời, trên bất kỳ thiết bị nào. Chúng sẽ không được hiện lại.
receipt-case = Số hồ sơ
receipt-secret = Mã bí mật
receipt-sent = Báo cáo của bạn đã được gửi.
receipt-queued = Báo cáo được giữ trên thiết bị này và sẽ gửi khi có kết nối.
receipt-written = Tôi đã ghi lại
receipt-continue = Tiếp tục
receipt-read-aloud = Đọc to
receipt-spoken = Số hồ sơ của bạn là { $case }. Mã bí mật của bạn là { $secret }.
read-aloud-unavailable = Thiết bị này không có giọng đọc cho ngôn ngữ của bạn. Hãy đọc các số trên màn hình.

## Follow-up
followup-title = Theo dõi bằng biên nhận
followup-hint = Nhập số hồ sơ và mã bí mật trên biên nhận của bạn. Dùng được trên bất kỳ thiết bị nào.
followup-case = Số hồ sơ
followup-secret = Mã bí mật
followup-open = Mở
signin-follow-up = Tôi có biên nhận

## Cases
cases-title = Báo cáo của tôi
cases-empty = Bạn chưa gửi báo cáo nào từ thiết bị này.
cases-open = Mở báo cáo ngày { $date }
case-title = Hồ sơ { $case }
case-status = Tình trạng: { $status }
case-you = Bạn
case-reply-from = Trả lời
case-no-replies = Chưa có trả lời. Hãy quay lại sau.
case-reply-label = Câu trả lời của bạn
case-reply-send = Gửi câu trả lời
case-state-not_sent = Chưa gửi
case-state-received = Đã nhận
case-state-acknowledged = Người đọc đã xem
case-state-investigating = Đang được xem xét
case-state-resolved = Đã giải quyết
case-state-closed = Đã đóng
case-state-escalated = Đã chuyển lên cấp cao hơn

## Surveys
home-surveys = Khảo sát
surveys-title = Khảo sát
surveys-loading = Đang tải khảo sát…
surveys-empty = Hiện không có khảo sát nào cho bạn.
surveys-state-ready = Có thể trả lời
surveys-state-answered = Bạn đã trả lời
surveys-state-answered_elsewhere = Bạn đã trả lời trên một thiết bị khác
surveys-state-not_downloaded = Chưa có trên máy này. Hãy kết nối để tải về.
surveys-in-progress = Đã bắt đầu: câu trả lời của bạn đã được lưu
survey-anonymous = Câu trả lời của bạn được giấu tên: chúng được gửi đi không kèm tên bạn, sau một thời gian.
survey-required = Cần trả lời
survey-yes = Có
survey-no = Không
survey-rating = Từ { $min } đến { $max }
survey-number-label = Một con số
survey-text-label = Câu trả lời của bạn
survey-date-label = Ngày (năm-tháng-ngày, ví dụ 2026-03-31)
survey-listen = Nghe câu hỏi
survey-save = Lưu và làm tiếp sau
survey-submit = Gửi câu trả lời
survey-fix = Một số câu trả lời cần sửa. Hãy xem các ghi chú màu đỏ.
survey-thanks-title = Cảm ơn bạn
survey-thanks = Câu trả lời của bạn là ẩn danh: không có tên, không có mã số công nhân và không có gì cho biết điện thoại hay máy tính bảng nào đã gửi.
survey-thanks-next = Điều gì xảy ra tiếp theo: câu trả lời được niêm phong trên thiết bị này và được gửi khi có mạng, sau một khoảng chờ ngẫu nhiên ngắn. Chỉ nhóm khảo sát của chương trình mới mở được. Nhà máy của bạn không bao giờ thấy câu trả lời của bạn, chỉ thấy tổng số của các nhóm từ 5 công nhân trở lên.
survey-thanks-case = Câu trả lời của bạn đã mở một hồ sơ bảo mật. Hãy giữ biên nhận này để đọc phản hồi.

## Training
home-training = Đào tạo
training-title = Đào tạo
training-loading = Đang tải bài học…
training-downloading = Đang tải: { $done } / { $total } KB
training-empty = Chưa có bài học nào trên máy này.
training-points = { $points } điểm
training-level = Cấp { $level }
training-streak =
    { $count ->
        [0] Học hôm nay để bắt đầu chuỗi ngày học
       *[other] { $count } ngày liên tiếp
    }
training-badges = Huy hiệu
training-no-badges = Chưa có huy hiệu. Hãy vượt qua một bài kiểm tra để nhận.
training-certificates = Chứng nhận
training-certificate = { $title }: đạt ngày { $date }
training-leaderboard = Bảng xếp hạng
training-lessons = Bài học
training-lesson-done = Đã xong
training-lesson-open = Mở
training-media-play = Nghe bản ghi âm
training-complete-lesson = Tôi đã học xong bài này
training-lesson-points =
    { $points ->
        [0] Đã xong bài học (đã tính trước đó).
       *[other] Đã xong bài học: +{ $points } điểm.
    }
training-new-badge = Huy hiệu mới: { $title }
training-take-quiz = Làm bài kiểm tra
training-quiz-title = Bài kiểm tra
training-quiz-submit = Kiểm tra câu trả lời
training-quiz-true = Đúng
training-quiz-false = Sai
training-quiz-up = Chuyển lên: { $what }
training-quiz-down = Chuyển xuống: { $what }
training-quiz-result = Đúng { $count } / { $total }
training-quiz-passed = Đạt! +{ $points } điểm.
training-quiz-failed = Chưa đạt. Hãy đọc lại bài học và thử lại.
training-leaderboard-hint = Chỉ hiện biệt danh, không bao giờ hiện tên bạn. Bạn chọn có tham gia hay không.
training-leaderboard-join = Tham gia
training-leaderboard-leave = Thôi tham gia
training-leaderboard-you = Bạn tham gia với tên { $name }
training-leaderboard-hidden = Có ít hơn năm người tham gia: chưa hiện gì.
training-leaderboard-line = { $rank }. { $name }: { $points } điểm

## Change PIN, background activity, idle countdown
home-change-pin = Đổi mã PIN
home-sync-now = Gửi ngay
home-syncing = Đang gửi: { $done } / { $total }…
home-sync-started = Đang kết nối…
home-offline = Không có kết nối. Báo cáo của bạn được giữ trên máy này và sẽ được gửi khi có kết nối.
home-needs-attention = { $count } báo cáo không gửi được. Hãy nhờ nhân viên chương trình giúp đỡ.
home-all-sent = Tất cả đã được gửi.
changepin-title = Đổi mã PIN
changepin-current = Nhập mã PIN hiện tại
changepin-new = Chọn mã PIN mới gồm 6 chữ số
changepin-repeat = Nhập lại mã PIN mới
changepin-submit = Đổi mã PIN
changepin-done = Đã đổi mã PIN. Từ nay hãy dùng mã mới.
idle-title = Bạn vẫn còn ở đây chứ?
idle-countdown = Để bảo vệ sự riêng tư của bạn, bạn sẽ được đăng xuất sau { $seconds } giây.
idle-stay = Tôi vẫn ở đây
idle-leave = Đăng xuất ngay
home-last-sync-minutes =
    { $count ->
        [0] Lần kết nối gần nhất với máy chủ: vừa xong
       *[other] Lần kết nối gần nhất với máy chủ: { $count } phút trước
    }
home-last-sync-hours = Lần kết nối gần nhất với máy chủ: { $count } giờ trước
home-last-sync-days = Lần kết nối gần nhất với máy chủ: { $count } ngày trước
home-never-synced = Chưa kết nối với máy chủ lần nào.

## A device the programme retired
retired-title = Thiết bị này không còn được sử dụng
retired-body = Chương trình đã ngừng sử dụng thiết bị này. Không có gì của ai được giữ lại trên máy, và không ai có thể đăng nhập ở đây nữa.
retired-hint = Vui lòng trả lại thiết bị cho nhân viên. Báo cáo của bạn vẫn an toàn: hãy theo dõi bằng biên nhận trên một thiết bị khác.

## Report: photo or voice note, call-back request
report-attachments-hint = Bạn có thể thêm ảnh hoặc tin nhắn thoại. Chỉ những người đọc bạn chọn mới mở được.
report-take-photo = Chụp ảnh
report-choose-photo = Chọn ảnh có sẵn
report-record-voice = Ghi âm tin nhắn thoại
report-recording = Đang ghi âm… { $elapsed } / { $max }. Hãy nói bây giờ.
report-recording-stop = Dừng và giữ lại
report-recording-cancel = Hủy
report-attachment-play = Nghe { $what }
report-photo-unreadable = Không đọc được ảnh này. Vui lòng chụp lại.
report-voice-unavailable = Hiện không dùng được micrô. Bạn có thể viết thay.
report-attachments-limits = Tối đa { $count } ảnh hoặc ghi âm, tổng cộng { $max } MB
report-attachment-remove = Bỏ { $what }
report-callback = Đề nghị gọi lại cho tôi
report-callback-hint = Người đọc báo cáo của bạn sẽ gọi cho bạn. Hãy cho số điện thoại chỉ bạn nghe máy.
report-callback-phone = Số điện thoại
report-callback-time = Khi nào gọi (ví dụ: sau 6 giờ chiều)
report-callback-language = Ngôn ngữ khi gọi
report-review-attachments = Đính kèm
report-review-callback = Gọi lại
report-review-callback-value = { $phone }, { $time }, bằng { $language }

## The system's permission prompts on iOS (see en.ftl).
ios-permission-camera = Worker Voice dùng camera để quét mã QR cài đặt và để chụp ảnh cho báo cáo. Ảnh không được lưu vào thư viện ảnh của bạn.
ios-permission-microphone = Worker Voice dùng micrô để ghi âm lời nhắn cho báo cáo.
