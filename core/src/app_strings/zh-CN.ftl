# Worker Voice app strings — Simplified Chinese (shipped beside the library as a resource).

app-name = 工人之声

## Shared
common-back = 返回
common-next = 下一步
common-cancel = 取消
common-continue = 继续
common-working = 请稍候…
common-retry = 重试
common-offline = 没有网络连接。您发送的内容会保存在本设备上，稍后发送。

## Enrol
enrol-title = 设置本设备
enrol-hint = 输入项目工作人员给您的设置码，或扫描他们出示的二维码。
enrol-code-label = 设置码
enrol-scan = 扫描二维码
enrol-scan-hint = 将摄像头对准项目工作人员提供的二维码，会自动读取。
enrol-scan-unavailable = 此处无法使用摄像头。请改为输入设置码。
enrol-scan-none = 无法从该照片中读取设置码。请让二维码占满画面后重试，或直接输入设置码。
enrol-mode-title = 谁使用这台设备？
enrol-mode-personal = 我自己的手机
enrol-mode-shared = 共用平板电脑
enrol-submit = 设置

## Language
language-title = 选择您的语言
language-current = 当前语言

## Sign in
signin-title = 登录
signin-worker-number = 工号
signin-pin = 您的PIN码
signin-submit = 登录
signin-first-time = 第一次使用？激活账户
signin-anonymous-report = 不登录直接反映
signin-attempts-left = 还剩 { $count } 次机会
activate-title = 激活账户
activate-hint = 输入您的工号和工牌上的激活码。
activate-code = 激活码
activate-scan = 扫描您的工人卡
activate-scan-none = 无法从这张照片中读取工人卡。请让二维码占满照片后重试，或输入您的工号和激活码。
activate-choose-pin = 设置6位数字PIN码
activate-repeat-pin = 再次输入同一个PIN码
activate-pins-differ = 两次输入的PIN码不一致。请重新设置。
activate-submit = 激活
pinpad-delete = 删除
    .label = 删除最后一位数字
pinpad-entered =
    { $count ->
        [0] 尚未输入数字
       *[other] 已输入 { $count } 位数字
    }

## Home
home-hello = 您好，{ $name }
home-report = 反映问题
home-follow-up = 凭回执查询
home-my-cases = 我的反映
home-language = 语言
home-done = 我用完了
home-queued = { $count } 条反映等待发送

## Report
report-title = 反映问题
report-step = 第 { $step } 步，共 { $count } 步
report-category-title = 是关于什么的？
report-text-title = 发生了什么？
report-text-hint = 用您自己的话写，任何语言都可以。请写明时间和地点。
report-text-label = 您的反映
report-identity-title = 您愿意留下姓名吗？
report-named = 留下我的姓名
report-named-hint = 阅读者会看到您的姓名，并可以联系您。
report-anonymous = 匿名
report-anonymous-hint = 没有人会看到您的姓名。请保存回执以查看回复。
report-route-title = 由谁来阅读？
report-route-factory_committee = 工厂委员会
report-route-factory_committee-hint = 您工厂的工人和管理人员。
report-route-independent_hotline = 独立热线
report-route-independent_hotline-hint = 工厂以外、为项目工作的人员。
report-route-brand = 品牌方
report-route-brand-hint = 向您的工厂采购的公司。
report-kiosk-anonymous = 不登录时，您的反映是匿名的，本平板上不会保留任何内容。最后请记下回执。
report-route-none = 请至少选择一项。
report-route-readers =
    { $count ->
       *[other] { $organisation }：{ $count } 人可以阅读
    }
report-route-unnamed = 名录中未写明
report-route-single = 只有一个人可以阅读通过此途径发送的反映。如果此人丢失密钥，就没有人能读到您的反映。请再选择一个途径。
report-route-readers-unknown = 尚不知道谁可以阅读。请联网一次以获取名单。
report-review-title = 检查您的反映
report-review-category = 关于
report-review-text = 发生了什么
report-review-identity = 您的姓名
report-review-route = 阅读者
report-review-named = { $name }（留下姓名）
report-change = 修改：{ $what }
report-send = 发送
report-sending = 正在发送…

## Receipt
receipt-title = 您的回执
receipt-hint = 请现在把两项都记下来。在任何设备上查看回复都需要它们。它们不会再显示。
receipt-case = 案件编号
receipt-secret = 密码
receipt-sent = 您的反映已发送。
receipt-queued = 您的反映保存在本设备上，有网络时会发送。
receipt-written = 我已经记下来了
receipt-continue = 继续
receipt-read-aloud = 朗读
receipt-spoken = 您的案件编号是 { $case }。您的密码是 { $secret }。
read-aloud-unavailable = 本设备没有您所用语言的朗读语音。请看屏幕上的编号。

## Follow-up
followup-title = 凭回执查询
followup-hint = 输入回执上的案件编号和密码。在任何设备上都可以查询。
followup-case = 案件编号
followup-secret = 密码
followup-open = 打开
signin-follow-up = 我有回执

## Cases
cases-title = 我的反映
cases-empty = 您还没有从本设备发送过反映。
cases-open = 打开 { $date } 的反映
case-title = 案件 { $case }
case-status = 状态：{ $status }
case-you = 您
case-reply-from = 回复
case-no-replies = 暂无回复。请稍后再来查看。
case-reply-label = 您的回答
case-reply-send = 发送回答
case-state-not_sent = 尚未发送
case-state-received = 已收到
case-state-acknowledged = 阅读者已查看
case-state-investigating = 正在调查
case-state-resolved = 已解决
case-state-closed = 已结案
case-state-escalated = 已上报

## Surveys
home-surveys = 问卷
surveys-title = 问卷
surveys-loading = 正在获取问卷…
surveys-empty = 目前没有给您的问卷。
surveys-state-ready = 可以作答
surveys-state-answered = 您已作答
surveys-state-answered_elsewhere = 您已在另一台设备上作答
surveys-state-not_downloaded = 尚未下载到本设备。请联网获取。
surveys-in-progress = 已开始：您的回答已保存
survey-anonymous = 您的回答是匿名的：稍后发送，不带您的姓名。
survey-required = 需要回答
survey-yes = 是
survey-no = 否
survey-rating = { $min } 到 { $max }
survey-number-label = 一个数字
survey-text-label = 您的回答
survey-date-label = 日期（年-月-日，例如 2026-03-31）
survey-listen = 听问题
survey-save = 保存，稍后继续
survey-submit = 发送我的回答
survey-fix = 有些回答需要修改。请查看红色提示。
survey-thanks-title = 谢谢
survey-thanks = 您的回答是匿名的：不带姓名、不带工号，也没有任何信息表明是哪部手机或平板发送的。
survey-thanks-next = 接下来会怎样：您的回答在本设备上加密，联网后在短暂的随机等待后发送。只有项目的调查团队能打开。您的工厂永远看不到您的回答，只能看到 5 名及以上工人群体的合计数字。
survey-thanks-case = 您的回答开启了一个保密案件。请保留此回执以阅读回复。

## Training
home-training = 培训
training-title = 培训
training-loading = 正在获取课程…
training-downloading = 正在下载：{ $done } / { $total } KB
training-empty = 本设备上还没有课程。
training-points = { $points } 分
training-level = 第 { $level } 级
training-streak =
    { $count ->
        [0] 今天学习，开始连续学习
       *[other] 连续 { $count } 天
    }
training-badges = 徽章
training-no-badges = 还没有徽章。通过测验即可获得。
training-certificates = 证书
training-certificate = { $title }：{ $date } 通过
training-leaderboard = 排行榜
training-lessons = 课程
training-lesson-done = 已完成
training-lesson-open = 打开
training-media-play = 播放录音
training-complete-lesson = 我已学完本课
training-lesson-points =
    { $points ->
        [0] 课程已完成（之前已计分）。
       *[other] 课程已完成：+{ $points } 分。
    }
training-new-badge = 新徽章：{ $title }
training-take-quiz = 参加测验
training-quiz-title = 测验
training-quiz-submit = 检查我的答案
training-quiz-true = 对
training-quiz-false = 错
training-quiz-up = 上移：{ $what }
training-quiz-down = 下移：{ $what }
training-quiz-result = 答对 { $count } / { $total }
training-quiz-passed = 通过！+{ $points } 分。
training-quiz-failed = 尚未通过。请重读课程后再试一次。
training-leaderboard-hint = 只显示昵称，绝不显示您的姓名。是否参加由您决定。
training-leaderboard-join = 参加
training-leaderboard-leave = 退出
training-leaderboard-you = 您以 { $name } 的身份参加
training-leaderboard-hidden = 参加人数少于五人：暂不显示。
training-leaderboard-line = { $rank }. { $name }：{ $points } 分

## Change PIN, background activity, idle countdown
home-change-pin = 更改我的 PIN 码
home-sync-now = 立即发送
home-syncing = 正在发送：{ $done } / { $total }…
home-sync-started = 正在连接…
home-offline = 没有网络连接。您的反映保存在本设备上，有网络时会发送。
home-needs-attention = { $count } 份反映无法发送。请向项目工作人员求助。
home-all-sent = 全部已发送。
changepin-title = 更改我的 PIN 码
changepin-current = 输入当前的 PIN 码
changepin-new = 选择一个新的 6 位 PIN 码
changepin-repeat = 再次输入新的 PIN 码
changepin-submit = 更改 PIN 码
changepin-done = 您的 PIN 码已更改。从现在起请使用新的 PIN 码。
idle-title = 您还在吗？
idle-countdown = 为保护您的隐私，您将在 { $seconds } 秒后退出登录。
idle-stay = 我还在
idle-leave = 立即退出
home-last-sync-minutes =
    { $count ->
        [0] 上次与服务器联系：刚刚
       *[other] 上次与服务器联系：{ $count } 分钟前
    }
home-last-sync-hours = 上次与服务器联系：{ $count } 小时前
home-last-sync-days = 上次与服务器联系：{ $count } 天前
home-never-synced = 尚未与服务器联系。

## A device the programme retired
retired-title = 此设备已停止使用
retired-body = 项目已停用此设备。设备上不保留任何人写下的内容，也无法再在这里登录。
retired-hint = 请把设备交还给工作人员。您的反映是安全的：可以在其他设备上用收据跟进。

## Report: photo or voice note, call-back request
report-attachments-hint = 您可以添加照片或语音留言。只有您选择的阅读人能打开。
report-take-photo = 拍照
report-choose-photo = 选择照片
report-record-voice = 录制语音留言
report-recording = 正在录音… { $elapsed } / { $max }。请现在说话。
report-recording-stop = 停止并保留
report-recording-cancel = 取消
report-attachment-play = 播放 { $what }
report-photo-unreadable = 无法读取这张照片。请重新拍摄。
report-voice-unavailable = 现在无法使用麦克风。您可以改为文字描述。
report-attachments-limits = 最多 { $count } 个照片或语音，合计 { $max } MB
report-attachment-remove = 移除 { $what }
report-callback = 请求回电
report-callback-hint = 阅读您反映的人会给您打电话。请留一个只有您接听的号码。
report-callback-phone = 电话号码
report-callback-time = 何时打电话（例如：晚上 6 点以后）
report-callback-language = 通话语言
report-review-attachments = 附件
report-review-callback = 回电
report-review-callback-value = { $phone }，{ $time }，使用{ $language }

## The system's permission prompts on iOS (see en.ftl).
ios-permission-camera = Worker Voice 使用相机扫描设置二维码，并为反映拍照。照片不会保存到您的相册。
ios-permission-microphone = Worker Voice 使用麦克风为反映录制语音留言。
