# Worker Voice 核心消息 — 简体中文

error-weak-pin = 这个密码太容易被猜到。{ $reason }
pin-reason-too-short = 请至少使用 { $min } 位数字。
pin-reason-not-digits = 只能使用数字。
pin-reason-repeated = 不要重复同一个数字或同一种组合。
pin-reason-sequence = 不要使用连续的数字，例如 123456。
pin-reason-common = 很多人使用这个密码，请换一个。
pin-reason-date = 不要使用日期，例如生日。

error-wrong-pin =
    { $attempts ->
        [0] 密码错误。
       *[other] 密码错误。您还可以尝试 { $attempts } 次。
    }
error-pin-locked = 密码错误次数过多。请联系项目工作人员解锁您的账户。
error-activation-invalid = 激活码不正确。请核对您的工人卡。
error-self-registration-disabled = 本工厂不允许自行注册。请联系项目工作人员。
error-worker-exists = 这个工号已经注册过了。
error-not-enrolled = 本设备尚未设置。请输入项目工作人员提供的设置码。
error-already-enrolled = 本设备已经设置好了。
error-enrolment-code-invalid = 设置码无效，可能已被使用或已过期。
error-not-a-worker-card = 这个二维码不是工人卡上的。请扫描您卡上的二维码，或输入您的工号和激活码。
error-card-for-another-hub = 这张工人卡属于另一个项目，而不是本设备所属的项目。请询问项目工作人员。
error-device-retired = 本设备已被项目停用。
error-device-keys-missing = 本设备的安全密钥丢失。请重新设置本设备。
error-vault-unreadable = 无法用这个密码打开您在本设备上保存的数据。如果您在其他设备上修改过密码，请在这里使用一次旧密码。
error-not-logged-in = 请先登录。
error-needs-hub = 您是在没有网络时登录的：可以填写并发送报告，但要查看已保存的报告和回复，请在平板电脑联网后重新登录。
error-offline-unlock-unavailable = 请连接网络后登录。
error-offline-sign-in-failed = 无网络时无法为您登录。请检查您的工号和 PIN。如果您以前没有用过这台平板电脑，请在联网时登录。
error-network-unavailable = 没有网络连接。请在联网后重试。
error-hub-unavailable = 服务繁忙，请几分钟后重试。
error-hub-refused = 服务没有接受本设备的请求。
error-clock-wrong = 本设备的日期或时间不正确。请更正后重试。
error-bad-reply = 服务返回了无法读取的回复。请稍后重试。
error-insecure-hub-url = 服务地址不安全。
error-invalid-input = 有信息缺失或无效。
error-too-large = 内容太大，无法保存。
error-storage-corrupt = 应用数据已损坏。没有删除任何内容。请联系项目工作人员。
error-disk-full = 手机存储空间已满。请释放一些空间；没有丢失任何内容。
error-storage-failed = 应用无法保存。没有丢失任何内容。请重试。
error-key-store-unavailable = 手机的安全存储不可用。请解锁手机后重试。
error-directory-missing = 请先联网一次，让应用获取接收举报的人员名单。
error-directory-chain-broken = 服务器提供的举报接收人名单与本应用现有的名单不相衔接。应用将继续使用现有名单；请告知项目方。
error-receipt-invalid = 案件编号或密码不正确。请核对您记下的内容。
error-content-unverified = 无法确认此内容来自项目方，因此未被使用。稍后将重新下载。
error-content-not-downloaded = 此内容尚未下载到设备。请连接网络后下载。
error-already-answered = 您已经回答过这份问卷。
error-survey-not-open = 这份问卷目前不对您开放。
error-too-many-attachments = 每份报告最多可附 { $count } 个照片或语音。请先删除一个再添加。
error-attachments-too-large = 每份报告的照片和语音合计最多 { $megabytes } MB。请删除一个，或录一段更短的语音。
error-internal = 出了点问题，请重试。

# Survey answers
survey-required = 请回答这个问题。
survey-wrong-type = 这个答案与问题不符。
survey-unknown-option = 请从显示的选项中选择。
survey-out-of-range = 请填写 { $min } 到 { $max } 之间的数值。
survey-not-whole = 请填写整数。
survey-too-few = 请至少选择或填写 { $min } 项。
survey-too-many = 最多只能选择或填写 { $max } 项。
survey-bad-date = 请选择允许范围内的日期。
survey-not-shown = 根据您之前的回答，这个问题不需要回答。
survey-unknown-question = 调查中没有这个问题。
survey-case-text = 一名回答问卷“{ $title }”的工人报告了报复或伤害。问卷答案本身保持匿名；此报告代其提交，以便独立方跟进。
