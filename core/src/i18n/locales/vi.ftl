# Thông điệp của lõi Worker Voice — Tiếng Việt

error-weak-pin = Mã PIN này quá dễ đoán. { $reason }
pin-reason-too-short = Hãy dùng ít nhất { $min } chữ số.
pin-reason-not-digits = Chỉ dùng chữ số.
pin-reason-repeated = Đừng lặp lại cùng một chữ số hoặc một kiểu.
pin-reason-sequence = Đừng dùng các chữ số liên tiếp, như 123456.
pin-reason-common = Nhiều người dùng mã PIN này. Hãy chọn mã khác.
pin-reason-date = Đừng dùng ngày tháng, như ngày sinh.

error-wrong-pin =
    { $attempts ->
        [0] Sai mã PIN.
       *[other] Sai mã PIN. Bạn còn { $attempts } lần thử.
    }
error-pin-locked = Nhập sai mã PIN quá nhiều lần. Hãy nhờ nhân viên chương trình mở khóa tài khoản.
error-activation-invalid = Mã kích hoạt không đúng. Hãy kiểm tra thẻ công nhân của bạn.
error-self-registration-disabled = Bạn không thể tự đăng ký tại nhà máy này. Hãy hỏi nhân viên chương trình.
error-worker-exists = Mã số công nhân này đã được đăng ký.
error-not-enrolled = Thiết bị này chưa được cài đặt. Hãy nhập mã cài đặt từ nhân viên chương trình.
error-already-enrolled = Thiết bị này đã được cài đặt.
error-enrolment-code-invalid = Mã cài đặt không hợp lệ. Có thể mã đã được dùng hoặc đã hết hạn.
error-not-a-worker-card = Mã QR này không phải của thẻ công nhân. Hãy quét mã trên thẻ của bạn, hoặc nhập mã số công nhân và mã kích hoạt.
error-card-for-another-hub = Thẻ công nhân này thuộc một chương trình khác với chương trình của thiết bị này. Hãy hỏi nhân viên chương trình.
error-device-retired = Thiết bị này đã bị chương trình ngừng sử dụng.
error-device-keys-missing = Khóa bảo mật của thiết bị bị mất. Hãy cài đặt lại thiết bị.
error-vault-unreadable = Không thể mở dữ liệu đã lưu trên thiết bị này bằng mã PIN này. Nếu bạn đã đổi mã PIN trên thiết bị khác, hãy dùng mã PIN cũ ở đây một lần.
error-not-logged-in = Vui lòng đăng nhập trước.
error-needs-hub = Bạn đã đăng nhập khi không có mạng: bạn có thể viết và gửi báo cáo, nhưng để đọc các báo cáo và phản hồi đã lưu, hãy đăng nhập lại khi máy tính bảng có mạng.
error-offline-unlock-unavailable = Hãy kết nối mạng để đăng nhập.
error-offline-sign-in-failed = Không thể đăng nhập khi không có mạng. Hãy kiểm tra mã số công nhân và mã PIN. Nếu bạn chưa từng dùng máy tính bảng này, hãy đăng nhập khi có mạng.
error-network-unavailable = Không có kết nối. Hãy thử lại khi có mạng.
error-hub-unavailable = Dịch vụ đang bận. Hãy thử lại sau vài phút.
error-hub-refused = Dịch vụ không chấp nhận yêu cầu của thiết bị này.
error-clock-wrong = Ngày hoặc giờ của thiết bị bị sai. Hãy sửa lại rồi thử lại.
error-bad-reply = Dịch vụ gửi phản hồi mà ứng dụng không đọc được. Hãy thử lại sau.
error-insecure-hub-url = Địa chỉ dịch vụ không an toàn.
error-invalid-input = Có thông tin bị thiếu hoặc không hợp lệ.
error-too-large = Nội dung quá lớn để lưu.
error-storage-corrupt = Dữ liệu của ứng dụng bị hỏng. Không có gì bị xóa. Hãy liên hệ nhân viên chương trình.
error-disk-full = Bộ nhớ điện thoại đã đầy. Hãy giải phóng dung lượng; không có gì bị mất.
error-storage-failed = Ứng dụng không lưu được. Không có gì bị mất. Hãy thử lại.
error-key-store-unavailable = Kho bảo mật của điện thoại không khả dụng. Hãy mở khóa điện thoại rồi thử lại.
error-directory-missing = Hãy kết nối mạng một lần để ứng dụng biết ai sẽ nhận báo cáo.
error-directory-chain-broken = Máy chủ gửi một danh sách người nhận báo cáo không nối tiếp danh sách ứng dụng đang có. Ứng dụng giữ danh sách cũ; hãy báo cho chương trình.
error-receipt-invalid = Mã vụ việc hoặc mã bí mật không đúng. Hãy kiểm tra lại những gì bạn đã ghi.
error-content-unverified = Không xác minh được nội dung này đến từ chương trình nên nội dung không được dùng. Nội dung sẽ được tải lại.
error-content-not-downloaded = Nội dung này chưa có trên thiết bị. Hãy kết nối internet để tải về.
error-already-answered = Bạn đã trả lời khảo sát này rồi.
error-survey-not-open = Khảo sát này hiện không mở cho bạn.
error-too-many-attachments = Một báo cáo chỉ có thể kèm tối đa { $count } ảnh và ghi âm. Hãy bỏ bớt một tệp để thêm tệp khác.
error-attachments-too-large = Tổng dung lượng ảnh và ghi âm trong một báo cáo tối đa là { $megabytes } MB. Hãy bỏ bớt một tệp hoặc ghi âm ngắn hơn.
error-internal = Đã xảy ra lỗi. Hãy thử lại.

# Survey answers
survey-required = Vui lòng trả lời câu hỏi này.
survey-wrong-type = Câu trả lời này không phù hợp với câu hỏi.
survey-unknown-option = Vui lòng chọn một trong các lựa chọn.
survey-out-of-range = Vui lòng nhập giá trị từ { $min } đến { $max }.
survey-not-whole = Vui lòng nhập số nguyên.
survey-too-few = Vui lòng chọn hoặc viết ít nhất { $min }.
survey-too-many = Vui lòng chọn hoặc viết nhiều nhất { $max }.
survey-bad-date = Vui lòng chọn ngày trong khoảng cho phép.
survey-not-shown = Câu hỏi này không áp dụng với các câu trả lời trước của bạn.
survey-unknown-question = Câu hỏi này không có trong khảo sát.
survey-case-text = Một công nhân trả lời khảo sát “{ $title }” đã báo cáo bị trả thù hoặc bị tổn hại. Câu trả lời khảo sát vẫn ẩn danh; báo cáo này được gửi thay cho họ để một bên độc lập có thể theo dõi.
