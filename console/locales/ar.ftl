# The console's strings (Arabic, Modern Standard Arabic, right to left).
# DRAFTED TRANSLATION: written without a native speaker's review. A native
# Arabic speaker must review it before a programme uses the console in Arabic.
# Every language file has the same ids and variables as en.ftl (checked by
# test/locales.test.ts). Product names (Worker Voice) and technical tokens
# (CSV, QR, SMTP, TOTP, ids, addresses) stay as they are. The card-* messages
# use the same wording as cards/ar.ftl.

app-name = Worker Voice
loading = جارٍ التحميل…
language-label = اللغة
skip-to-content = انتقل إلى المحتوى
nav-label = القائمة الرئيسية
nav-factories = المصانع
nav-brands = العلامات التجارية
nav-staff = الموظفون
nav-proposals = المقترحات
nav-audit = سجل التدقيق
nav-account = حسابي
sign-out = تسجيل الخروج
signed-in-as = { $name } ({ $role })
yes = نعم
no = لا
none = لا شيء
actions = الإجراءات
suppressed = أقل من 5 (مخفي)

role-programme_admin = مسؤول البرنامج
role-factory_admin = مسؤول المصنع
role-brand_staff = موظفو العلامة التجارية
role-auditor = مدقق
role-label = الدور

error-title = حدث خطأ ما
error-unauthorized = انتهت جلستك. سجّل الدخول مرة أخرى.
error-forbidden = لا يسمح دورك بهذا الإجراء.
error-not-found = غير موجود.
error-bad-request = رفض الخادم هذه البيانات. تحقق منها وحاول مرة أخرى.
error-network = تعذّر الوصول إلى الخادم. تحقق من الاتصال وحاول مرة أخرى.
error-worker-exists = هذا الاسم مستخدم بالفعل.
error-rate-limited = محاولات كثيرة جدًا. انتظر { $seconds ->
    [one] ثانية واحدة
    [two] ثانيتين
    [few] { $seconds } ثوانٍ
   *[other] { $seconds } ثانية
} ثم حاول مرة أخرى.
error-other = تعذّر على الخادم تنفيذ ذلك. حاول لاحقًا.
not-found-title = الصفحة غير موجودة
not-found-body = لا توجد صفحة بهذا العنوان.
forbidden-title = ليست لدورك
forbidden-body = لا يشمل دورك هذه الصفحة.

sign-in-title = تسجيل الدخول
sign-in = تسجيل الدخول
sign-in-failed = اسم الدخول أو كلمة المرور أو الرمز غير صحيح.
login-label = اسم الدخول
login-hint = من 3 إلى 64 حرفًا: حروف لاتينية وأرقام ونقطة وشرطة وشرطة سفلية و@.
password-label = كلمة المرور
totp-label = الرمز من تطبيق المصادقة
totp-label-short = عامل التحقق الثاني
totp-hint = ستة أرقام. اتركه فارغًا إن لم يكن لحسابك عامل تحقق ثانٍ.
signed-out = لقد سجّلت الخروج.
signed-out-idle = سُجّل خروجك بعد فترة دون نشاط.
session-ended = انتهت جلستك. سجّل الدخول مرة أخرى.
invitation-accepted = حسابك جاهز. سجّل الدخول بكلمة المرور الجديدة.

accept-title = اقبل دعوتك
accept-intro = اختر اسم الدخول وكلمة المرور. لن يعرف أحد غيرك كلمة المرور.
accept-submit = أنشئ حسابي
display-name-label = اسمك
new-password-label = كلمة المرور الجديدة
confirm-password-label = أعد كتابة كلمة المرور الجديدة
password-hint = { $min ->
    [few] { $min } أحرف على الأقل.
    [many] { $min } حرفًا على الأقل.
   *[other] { $min } حرف على الأقل.
}
password-too-short = تحتاج كلمة المرور إلى { $min ->
    [few] { $min } أحرف على الأقل.
    [many] { $min } حرفًا على الأقل.
   *[other] { $min } حرف على الأقل.
}
passwords-differ = كلمتا المرور مختلفتان.
totp-enable-label = استخدم عامل تحقق ثانيًا (تطبيق مصادقة)
totp-setup-legend = عامل التحقق الثاني
totp-setup-help = أضف هذا المفتاح إلى تطبيق المصادقة (مفتاحًا مبنيًا على الوقت)، ثم اكتب الرمز الذي يعرضه.
invitation-missing = لا يحتوي هذا الرابط على دعوة. اطلب دعوة جديدة.
invitation-invalid = هذه الدعوة غير معروفة أو مستخدمة أو منتهية الصلاحية. اطلب دعوة جديدة.
invitation-bad-request = تحقق من البيانات. قد يتطلب دورك عامل تحقق ثانيًا، ويجب أن يكون الرمز حاليًا.
login-taken = اسم الدخول هذا مستخدم. اختر اسمًا آخر.

account-title = حسابي
change-password-title = تغيير كلمة المرور
old-password-label = كلمة المرور الحالية
change-password-submit = تغيير كلمة المرور
password-changed = تم تغيير كلمة المرور. انتهت جلساتك الأخرى.

factories-caption = المصانع التي يمكنك رؤيتها
factories-none = لا توجد مصانع بعد.
factory-name = المصنع
factory-id = المعرّف
factory-create-title = إضافة مصنع
factory-create = أضف المصنع
factory-created = تمت إضافة المصنع { $name }.
factory-sections = أقسام { $name }

tab-workers = العمال
tab-roster = استيراد قائمة العمال
tab-devices = الأجهزة
tab-codes = رموز التسجيل
tab-cards = بطاقات العمال
tab-training = تقرير التدريب
tab-settings = الإعدادات

workers-caption = العمال ({ $count })
workers-none = لا يوجد عمال بعد. استورد قائمة العمال.
worker-number = رقم العامل
worker-name = الاسم
worker-language = اللغة
worker-state = الحالة
worker-active = مُفعَّل
worker-not-activated = غير مُفعَّل
worker-locked = مقفل (رموز PIN خاطئة كثيرة)
worker-unlock = إلغاء القفل
worker-unlock-for = إلغاء قفل العامل { $number }
worker-unlocked = أُلغي قفل العامل { $number }.
worker-reset = إعادة التعيين
worker-reset-for = إعادة تعيين العامل { $number }
worker-reset-confirm = إعادة تعيين العامل { $number }؟ تُمحى ملاحظاته على كل جهاز ويحصل على رمز تفعيل جديد.
worker-reset-done = أُعيد تعيين العامل { $number }. بطاقته الجديدة في «بطاقات العمال».

roster-help = الصق ملف CSV أو اختره. يُفحص كل سطر هنا قبل حفظ أي شيء.
roster-file = ملف CSV
roster-text = نص CSV
roster-check = افحص
roster-import = استورد
roster-bad-header = يجب أن يكون السطر الأول: worker_number,display_name,language (ويمكن إضافة ,department).
roster-problems-caption = صفوف يجب تصحيحها ({ $count })
roster-line = السطر
roster-problem = المشكلة
roster-error-columns = عدد الأعمدة غير صحيح.
roster-error-number = يجب أن يتكون رقم العامل من 1 إلى 32 حرفًا لاتينيًا أو رقمًا أو شرطة.
roster-error-name = الاسم فارغ أو طويل جدًا أو يحتوي على محارف تحكم.
roster-error-language = اللغة ليست وسم لغة مثل vi أو zh-CN.
roster-error-duplicate = رقم العامل هذا مكرر.
roster-ready = { $count ->
    [one] صف واحد جاهز للاستيراد.
    [two] صفان جاهزان للاستيراد.
    [few] { $count } صفوف جاهزة للاستيراد.
    [many] { $count } صفًا جاهزًا للاستيراد.
   *[other] { $count } صف جاهز للاستيراد.
}
roster-imported = أُضيف من العمال: { $added }، وحُدِّث: { $updated }.

devices-caption = الأجهزة ({ $count })
devices-none = لم يُسجَّل أي جهاز بعد.
device-id = الجهاز
device-mode = النوع
device-state = الحالة
device-last-seen = آخر ظهور
device-queued = بانتظار الإرسال
device-retire = إيقاف
device-retire-for = إيقاف الجهاز { $id }
device-retire-confirm = إيقاف هذا الجهاز؟ لن يتمكن من المزامنة بعد الآن.
device-wipe = مسح
device-wipe-for = مسح الجهاز { $id }
device-wipe-confirm = مسح هذا الجهاز؟ يُمحى كل ما عليه عند مزامنته التالية.
device-wipe-pending = طُلب المسح
device-wiped = مُسح
mode-personal = هاتف شخصي
mode-shared = جهاز لوحي مشترك

codes-help = تربط رموز التسجيل هاتفًا أو جهازًا لوحيًا مشتركًا بهذا المصنع. يعمل كل رمز مرة واحدة.
code-mode = نوع الجهاز
code-count = العدد
code-days = صالح لمدة (أيام)
code-issue = أصدر الرموز
codes-shown-once = دوّن هذه الرموز أو اطبعها الآن: لن تُعرض إلا مرة واحدة.
codes-caption = رموز جديدة ({ $count })
code = الرمز
code-expires = ينتهي في
code-link = رابط للتطبيق
code-qr = رمز QR
code-qr-label = رمز QR لرمز التسجيل { $code }

cards-none = لا توجد رموز تفعيل جديدة في هذه الجلسة. استورد قائمة العمال أو أعد تعيين عامل لطباعة البطاقات.
cards-help = { $count ->
    [one] بطاقة واحدة.
    [two] بطاقتان.
    [few] { $count } بطاقات.
    [many] { $count } بطاقة.
   *[other] { $count } بطاقة.
} تحمل رموز التفعيل: اطبعها ووزّعها ولا تحتفظ بنسخ منها.
cards-print = اطبع البطاقات
card-title = Worker Voice
card-hello = إلى { $name }
card-number = رقم العامل
card-code = رمز التفعيل
card-steps = افتح تطبيق Worker Voice، وأدخل رقم العامل وهذا الرمز، ثم اختر رقمك السري الخاص بك.
card-qr-label = رمز QR: يفتح تطبيق Worker Voice برقم العامل ورمز التفعيل الخاصين بك
card-channels = الجهات التي يمكن أن يصل إليها بلاغك
card-route-factory-committee = لجنة المصنع
card-route-independent-hotline = الخط الساخن المستقل
card-route-brand = العلامة التجارية
card-answer-within = { $days ->
    [one] يرد خلال يوم واحد
    [two] يرد خلال يومين
    [few] يرد خلال { $days } أيام
   *[other] يرد خلال { $days } يومًا
}
card-sealed = ما تكتبه يُختم على الهاتف: لا يستطيع المصنع قراءته.
cards-paper = حجم الورق
cards-paper-a4 = A4
cards-paper-letter = Letter

training-help = عدد العمال الذين بدأوا كل وحدة ونجحوا فيها. تُخفى الأعداد الأقل من 5 لحماية العمال.
training-caption = وحدات التدريب
training-none = لا توجد بيانات تدريب بعد.
training-module = الوحدة
training-started = بدأوا
training-passed = نجحوا

brands-caption = العلامات التجارية ومصانعها الموردة
brands-none = لا توجد علامات تجارية بعد.
brand-name = العلامة التجارية
brand-suppliers = المصانع الموردة
brand-create-title = إضافة علامة تجارية
brand-create = أضف العلامة التجارية
brand-created = تمت إضافة العلامة التجارية { $name }.
brand-link-title = ربط مصنع مورّد
brand-link = اربط
brand-linked = تم ربط المصنع.

staff-caption = حسابات الموظفين
staff-state = الحالة
staff-active = نشط
staff-disabled = معطّل
staff-revoke = إنهاء الجلسات
staff-revoke-for = إنهاء جلسات { $login }
staff-revoked = انتهت جلسات { $login }.
staff-disable = تعطيل
staff-disable-for = تعطيل { $login }
staff-disable-confirm = تعطيل { $login }؟ لن يتمكن من تسجيل الدخول بعد الآن.
roles-caption = عامل التحقق الثاني حسب الدور
roles-totp-required = عامل التحقق الثاني مطلوب
roles-totp-on = اشترطه للدور: { $role }
roles-totp-off = أوقف اشتراطه للدور: { $role }
roles-totp-on-confirm = اشتراط عامل تحقق ثانٍ للدور: { $role }؟ لن تتمكن حسابات هذا الدور التي ليس لديها عامل ثانٍ من تسجيل الدخول حتى تُدعى من جديد.
invite-title = دعوة موظف
invite-factories = المصانع
invite-factories-hint = المصانع التي يديرها مسؤول المصنع هذا.
invite-submit = أنشئ الدعوة
invite-created = أرسل هذا الرابط إلى الشخص (يعمل مرة واحدة، حتى { $expires }).
invite-link = رابط الدعوة

proposals-intro = تغييرات يجب أن يوقّعها حامل مفتاح البرنامج قبل أن تثق بها الأجهزة.
proposals-pending-count = { $count ->
    [zero] لا توجد مقترحات بانتظار حامل المفتاح.
    [one] مقترح واحد بانتظار حامل المفتاح.
    [two] مقترحان بانتظار حامل المفتاح.
    [few] { $count } مقترحات بانتظار حامل المفتاح.
    [many] { $count } مقترحًا بانتظار حامل المفتاح.
   *[other] { $count } مقترح بانتظار حامل المفتاح.
}
proposals-caption = المقترحات
proposal-kind = النوع
proposal-state = الحالة
proposal-created = أُنشئ في
proposal-id = المعرّف
proposal-kind-directory = دليل الجهات المستلمة
proposal-kind-pack = حزمة محتوى
proposal-kind-delegation = تفويض الخادم
proposal-state-pending = بانتظار حامل المفتاح
proposal-state-published = موقّع ومنشور
proposal-state-superseded = استُبدل

audit-caption = إجراءات الموظفين، الأقدم أولًا
audit-seq = الرقم
audit-at = متى
audit-actor = مَن
audit-action = الإجراء
audit-object = الهدف
audit-next = الصفحة التالية

settings-kiosk-idle = مهلة الخمول للجهاز اللوحي المشترك (ثوانٍ)
settings-kiosk-idle-hint = من 30 إلى 1800. تنتهي جلسة العامل على جهاز لوحي مشترك بعد هذه المدة دون لمس.
settings-utc-offset = الفرق عن UTC (دقائق)
settings-utc-offset-hint = مثلًا 420 لفيتنام. اتركه فارغًا لإبقائه كما هو.
settings-save = احفظ الإعدادات
settings-saved = حُفظت الإعدادات. تأخذها الأجهزة عند مزامنتها التالية.

## Readers (handlers and analysts): sign-in and invitation (ADR 0015)
reader-sign-in-title = سجّل الدخول لقراءة البلاغات
reader-account-label = معرّف حساب القارئ
reader-sign-in-failed = معرّف الحساب أو كلمة المرور غير صحيح.
reader-hub-mismatch = جواب الخادم لا يطابق مفتاحك. توقف هنا وأبلغ مسؤول البرنامج.
reader-home-title = بلاغات { $name }
reader-key-id = معرّف مفتاحك: { $keyId }
reader-key-held = مفتاحك مفتوح في علامة التبويب هذه فقط. يُقفل من جديد عند تسجيل الخروج أو إغلاق علامة التبويب أو بعد فترة دون نشاط.
reader-accept-title = إعداد حساب القارئ
reader-accept-help = ينشئ متصفحك مفتاحك ويقفله بكلمة المرور. لا يمكن لأحد إعادة تعيين كلمة المرور هذه، ولا حتى الخادم: إن فقدتها فاطلب دعوة جديدة.
reader-accept-submit = أنشئ مفتاحي
reader-inbox-loading = جارٍ تحميل الحالات على مسارك…
reader-inbox-empty = لا توجد حالات على مسارك.
reader-status-filter = عرض الحالات
reader-status-all = كل الأوضاع
reader-case = الحالة
reader-status = الوضع
reader-route = المسار
reader-factory = المصنع
reader-received = تاريخ الاستلام
reader-deadline = الموعد النهائي
reader-overdue = { $when } (متأخر)
reader-status-received = مُستلمة
reader-status-acknowledged = تم الإقرار بها
reader-status-investigating = قيد التحقيق
reader-status-resolved = تمت معالجتها
reader-status-closed = مغلقة
reader-status-escalated = مُصعَّدة
reader-route-factory-committee = لجنة المصنع
reader-route-independent-hotline = الخط الساخن المستقل
reader-route-brand = العلامة التجارية

## Inbox (issue 14: filters, deadlines, assignment; pages/inbox.ts)

inbox-title = صندوق الوارد
inbox-filters = عوامل التصفية
inbox-route-filter = المسار
inbox-route-mine = على مساري الآن
inbox-route-all = كل حالة يمكنني رؤيتها
inbox-factory-filter = معرّف المصنع
inbox-category-filter = الفئة
inbox-category-all = كل الفئات
inbox-category-hint = الفئة مختومة داخل البلاغ: يفتح متصفحك حالات هذه الصفحة لتصفيتها حسب الفئة، ولا يستطيع الخادم ذلك.
inbox-overdue-only = المتأخرة فقط
inbox-new-only = الجديدة منذ زيارتي الأخيرة
inbox-assigned-to-me = المسندة إليّ
inbox-sort = الترتيب حسب
inbox-sort-deadline = الموعد النهائي التالي، الأقرب أولًا
inbox-sort-received = تاريخ الاستلام، الأحدث أولًا
inbox-apply = طبّق عوامل التصفية
inbox-caption = الحالات (المطابقة: { $total })، هذه الصفحة
inbox-next-deadline = الموعد النهائي التالي
inbox-deadlines = المواعيد النهائية
inbox-deadline-acknowledge = الإقرار قبل نهاية { $date }
inbox-deadline-respond = الرد قبل نهاية { $date }
inbox-deadline-resolve = المعالجة قبل نهاية { $date }
inbox-overdue = متأخرة
inbox-new = جديدة
inbox-assignee = مسندة إلى
inbox-unassigned = لا أحد
inbox-assigned-you = أنت
inbox-assign = إسناد
inbox-assign-label = إسناد الحالة { $caseId } إلى
inbox-assign-nobody = لا أحد
inbox-assign-me = { $name } (أنا)
inbox-assign-save = احفظ
inbox-assigned-notice = حُفظ إسناد الحالة { $caseId }.
inbox-pages = الصفحات
inbox-page = الصفحة { $page } من { $pages }
inbox-previous = الصفحة السابقة
inbox-next = الصفحة التالية
inbox-deleted-on = تُحذف في { $date }
inbox-expires-soon = { $days ->
    [zero] تُحذف اليوم
    [one] تُحذف خلال يوم واحد
    [two] تُحذف خلال يومين
    [few] تُحذف خلال { $days } أيام
    [many] تُحذف خلال { $days } يومًا
   *[other] تُحذف خلال { $days } يوم
}

## Case page (pages/case.ts)

case-title = الحالة { $caseId }
case-deleted-on = تاريخ الحذف
case-deleted-on-date = { $date }، ما لم يستجدّ شيء في الحالة قبل ذلك
case-back = العودة إلى صندوق الوارد
case-print = اطبع
case-opened-here = فُتحت هذه الحالة في هذا المتصفح بمفتاحك. لا يراها الخادم إلا مختومة.
case-loading = جارٍ التحميل…
case-opening = جارٍ فتح الحالة في هذا المتصفح…
case-opened = الحالة مفتوحة.
case-not-found = لا توجد حالة كهذه على مسارك.
case-refused = رفض الخادم: ربما انتقلت هذه الحالة إلى مسار آخر، أو انتهت جلستك.
case-cannot-open = لا تُفتح هذه الحالة بمفتاحك. أبلغ مسؤول البرنامج.
case-report-unavailable = تعذّر فتح البلاغ.
case-too-long = هذا النص طويل جدًا (16 KB على الأكثر).
case-summary-title = عن الحالة
case-report-title = البلاغ
case-category = الفئة
case-reporter = المُبلِّغ
case-anonymous = مجهول الهوية
case-named = { $name } (رقم العامل { $number })
case-written-in = لغة الكتابة
case-submitted = كُتب على الجهاز في
case-callback = معاودة الاتصال
case-callback-none = غير مطلوبة
case-callback-phone = الهاتف: { $phone }
case-callback-time = الوقت: { $time }
case-callback-language = اللغة: { $language }
case-text = ما كتبه العامل
case-category-wages = الأجور والمستحقات
case-category-hours = ساعات العمل
case-category-safety = الصحة والسلامة
case-category-harassment = التحرش أو الإساءة
case-category-discrimination = التمييز
case-category-retaliation = الانتقام
case-category-other = أمر آخر
case-attachments-title = المرفقات
case-attachments-none = لا توجد مرفقات.
case-attachment-loading = جارٍ فتح المرفق { $number }…
case-attachment-failed = تعذّر فتح المرفق { $number }.
case-attachment-size = { $kib } KB
case-attachment-download = نزّل المرفق { $number } ({ $type }، { $size }): لا يُعرض في المتصفح
case-photo-alt = الصورة { $number } من العامل
case-photo-caption = الصورة { $number }، { $size }
case-voice-label = الرسالة الصوتية { $number } من العامل
case-voice-caption = الرسالة الصوتية { $number }، { $size }
case-conversation-title = المحادثة مع العامل
case-conversation-empty = لا توجد رسائل بعد.
case-from-worker = العامل
case-from-handler = قارئ
case-reply-unopened = لا تُفتح هذه الرسالة بمفتاح الحالة.
case-status-event = الوضع: { $status }
case-reply-title = الرد على العامل
case-reply-label = ردّك
case-reply-hint = يُختم في هذا المتصفح: لا يفتحه إلا جهاز العامل.
case-reply-send = اختم الرد وأرسله
case-reply-sent = أُرسل الرد مختومًا للعامل.
case-status-form-title = تغيير الوضع
case-status-label = الوضع الجديد
case-status-set = غيّر الوضع
case-status-changed = تغيّر الوضع إلى { $status }.
case-notes-title = ملاحظات داخلية
case-notes-help = لا يرى الملاحظات إلا قرّاء هذا المسار. لا يراها العامل أبدًا.
case-notes-none = لا توجد ملاحظات بعد.
case-note-unopened = لا تُفتح هذه الملاحظة بمفتاحك.
case-note-form-title = إضافة ملاحظة
case-note-label = الملاحظة
case-note-hint = تُختم في هذا المتصفح لكل قارئ في هذا المسار.
case-note-add = اختم الملاحظة وأضفها
case-note-added = أُضيفت الملاحظة مختومة لقرّاء هذا المسار.
case-audit-title = السجل الزمني للتدقيق
case-audit-caption = مَن فعل ماذا بهذه الحالة (دون محتواها أبدًا)
case-audit-when = متى
case-audit-who = مَن
case-audit-what = ماذا
case-actor-device = جهاز العامل
case-actor-hub = الخادم
case-actor-staff = موظفو البرنامج
case-actor-you = أنت
case-actor-reader = القارئ { $id }
case-action-received = استُلم البلاغ
case-action-attachment-received = استُلم مرفق
case-action-fetched = فُتحت الحالة
case-action-attachment-fetched = فُتح مرفق
case-action-reply = رد
case-action-note = أُضيفت ملاحظة
case-action-escalation-exhausted = انقضى الموعد النهائي على المسار الأخير
case-action-status = تغيّر الوضع إلى { $status }
case-action-escalated = صُعِّدت إلى { $route }

## Analyst: survey results (pages/analyst.ts). Keep this section separate.

analyst-title = نتائج الاستبيان
analyst-help = تُفتح الإجابات في هذا المتصفح بمفتاحك: لا يحتفظ بها الخادم إلا مختومة. تُخفى المجموعات والإجابات التي تضم أقل من 5 أشخاص، وكذلك أي مجموعة تكشفها المجموعات الأخرى.
analyst-survey-label = معرّف الاستبيان
analyst-load = افتح النتائج
analyst-loading = جارٍ فتح الردود في هذا المتصفح…
analyst-opened = { $count ->
    [zero] لم يُفتح أي رد في هذا المتصفح.
    [one] فُتح رد واحد في هذا المتصفح.
    [two] فُتح ردّان في هذا المتصفح.
    [few] فُتحت { $count } ردود في هذا المتصفح.
    [many] فُتح { $count } ردًا في هذا المتصفح.
   *[other] فُتح { $count } رد في هذا المتصفح.
}
analyst-results-title = نتائج { $survey }
analyst-version-label = الإصدار
analyst-version-all = كل الإصدارات
analyst-version = الإصدار { $version }
analyst-factory-label = المصنع
analyst-factory-all = كل المصانع وكل مصنع على حدة
analyst-group-all = كل المصانع
analyst-group-factory = المصنع { $factory }
analyst-respondents = { $count ->
    [zero] لا مستجيبين
    [one] مستجيب واحد
    [two] مستجيبان
    [few] { $count } مستجيبين
    [many] { $count } مستجيبًا
   *[other] { $count } مستجيب
}
analyst-group-suppressed = أقل من 5 مستجيبين (أو مجموعة قد تكشف أحدهم): مخفية.
analyst-answered = { $count ->
    [zero] لم يُجب أحد
    [one] أجاب شخص واحد
    [two] أجاب شخصان
    [few] أجاب { $count } أشخاص
    [many] أجاب { $count } شخصًا
   *[other] أجاب { $count } شخص
}
analyst-cell-suppressed = أجاب أقل من 5 (أو قد يكشف ذلك مجموعة صغيرة): مخفي.
analyst-mean = المتوسط: { $mean }
analyst-no-counts = لا يُحصى النص الحر ولا التواريخ.
analyst-table-caption = { $question }: الإجابات
analyst-col-answer = الإجابة
analyst-col-count = الأشخاص
analyst-col-share = النسبة
analyst-download = نزّل ملف CSV
analyst-downloaded = أُنشئ ملف CSV في هذا المتصفح.
analyst-publish = انشر الإجمالي (كل الإصدارات)
analyst-publish-help = يرسل النشر هذه المجاميع المخفية جزئيًا إلى الخادم: يرى موظفو كل مصنع وعلاماته التجارية مجموعة ذلك المصنع في لوحات المعلومات. لا تغادر أي إجابة هذا المتصفح.
analyst-publishing = جارٍ النشر…
analyst-published = نُشر. تعرض لوحات معلومات المصانع والعلامات التجارية هذه النتائج الآن.
analyst-publish-refused = رفض الخادم الإجمالي: كان سيُظهر مجموعة من أقل من 5 أشخاص، أو رقمًا في خلية مخفية، أو مجاميع تكشف مصنعًا مخفيًا. لم يُنشر شيء.
analyst-not-found = لا يوجد استبيان بهذا المعرّف، أو ليس له إصدار منشور.
analyst-not-analyst = هذا الحساب ليس حساب محلل استبيانات.
analyst-failed = تعذّر فتح الردود في هذا المتصفح: ربما عدّلها الخادم.
analyst-inbox = صندوق وارد الحالات
analyst-yes = نعم
analyst-no = لا

## Deadlines per route (programme admins)
nav-deadlines = المواعيد النهائية
deadlines-help = عدد الأيام المتاحة لقرّاء كل مسار للإقرار بالحالة، والرد على العامل، ومعالجتها، محسوبة من يوم استلام الحالة. يُميّز صندوق الوارد وصفحة الحالة ما تأخر.
deadlines-not-escalation = هذه هي مواعيد العمل النهائية للقرّاء. أما الموعد الذي تنتقل بعده الحالة غير المُقَرّ بها إلى المسار التالي فهو جزء من الدليل الموقّع ولا يُغيَّر هنا.
deadlines-default = القيم الافتراضية للبرنامج (لم يضبطها أحد).
deadlines-set = ضبطها مسؤول البرنامج.
deadlines-acknowledge = أيام الإقرار
deadlines-acknowledge-hint = من 1 إلى 366 يومًا.
deadlines-respond = أيام الرد على العامل
deadlines-respond-hint = من 1 إلى 366 يومًا، ولا تقل عن أيام الإقرار.
deadlines-resolve = أيام المعالجة
deadlines-resolve-hint = من 1 إلى 3660 يومًا، ولا تقل عن أيام الرد؛ اتركه فارغًا لعدم تحديد موعد للمعالجة.
deadlines-save-route = احفظ المواعيد النهائية لـ { $route }
deadlines-saved = حُفظت المواعيد النهائية لـ { $route }: أيام الإقرار { $acknowledge }، وأيام الرد { $respond }{ $resolve ->
    [0] ، دون موعد نهائي للمعالجة.
   *[other] ، وأيام المعالجة { $resolve }.
}
deadlines-not-saved = لم يُحفظ شيء لـ { $route }: صحّح الحقول المُعلَّمة.
deadlines-error-whole = أدخل عددًا صحيحًا من الأيام من 1 إلى { $max }.
deadlines-error-range = أدخل عدد أيام من 1 إلى { $max }.
deadlines-error-respond-order = لا يمكن أن يسبق موعد الرد موعد الإقرار.
deadlines-error-resolve-order = لا يمكن أن يسبق موعد المعالجة موعد الرد.

## Grievance dashboard (staff, by scope)
nav-grievances = الشكاوى
grievances-help = الحالات حسب المصنع وشهر الاستلام. تُخفى الأعداد الأقل من { $min }، وكذلك أي عدد قد يكشف أحدها. لا يُحصى شيء مما كتبه العامل: فقط متى وصلت الحالات وكيف عولجت.
grievances-definitions = أُقرّ بها في الوقت المحدد: أقرّ قارئ بالحالة قبل انقضاء الموعد النهائي للمسار. متأخرة: انقضى موعد نهائي لا يزال مستحقًا عليها. تمت معالجتها: عولجت أو أُغلقت. الوسيط: على خمس حالات أو أكثر، بالساعات أو الأيام الكاملة منذ الاستلام.
grievances-fewer-than = أقل من { $min }
grievances-none = لم تُستلم أي حالات.
grievances-caption = الحالات في { $factory } حسب الشهر
grievances-col-month = الشهر
grievances-col-received = المُستلمة
grievances-col-acknowledged-in-time = أُقرّ بها في الوقت المحدد
grievances-col-overdue = المتأخرة
grievances-col-resolved = المُعالجة
grievances-col-median-hours-to-acknowledge = وسيط الساعات حتى الإقرار
grievances-col-median-days-to-resolve = وسيط الأيام حتى المعالجة
grievances-download = نزّل الحالات حسب الشهر (CSV)
grievances-downloaded = أُنشئ ملف CSV في هذا المتصفح.

## Escalation on the case page
case-escalation-title = التصعيد
case-escalation-routes = المسارات التي سمح بها العامل، بالترتيب:
case-escalation-route-current = { $route } (لديه الحالة الآن)
case-escalation-none = لم تُصعَّد الحالة.
case-escalation-entry = صُعِّدت إلى { $route } في { $when } بواسطة { $who }
case-overdue-title = التأخير
case-overdue-none = لا شيء متأخر.
case-overdue-acknowledge = لم يُقَرّ بها قبل نهاية { $date }
case-overdue-respond = لم يُرَدّ على العامل قبل نهاية { $date }
case-overdue-resolve = لم تُعالَج قبل نهاية { $date }
case-overdue-last-route = لم يُقَرّ بها في الوقت المحدد على آخر مسار سمح به العامل: لا يمكن تصعيدها أكثر.
case-escalation-last = هذا آخر مسار سمح به العامل.
case-escalate = إحالة إلى { $route }
case-escalate-help = تنقل الإحالة الحالة إلى المسار التالي الذي سمح به العامل، والذي يمكنه فتحها مسبقًا. بعد ذلك لا يرى هذا المسار الحالة إلا حتى لحظة الإحالة، ولا يمكنه الرد بعدها.
case-escalate-confirm = إحالة هذه الحالة إلى { $route }؟ لن يتمكن هذا المسار من الرد عليها بعد الآن.
case-escalating = جارٍ إحالة الحالة…
case-escalated-done = أُحيلت الحالة إلى { $route }.

## Analysts' survey list
analyst-surveys-heading = الاستبيانات التي يمكنك قراءتها
analyst-surveys-loading = جارٍ تحميل الاستبيانات…
analyst-surveys-none = لا يوجد بعد استبيان منشور مختوم لك.
analyst-surveys-caption = الاستبيانات المختومة ردودها لك
analyst-surveys-title = العنوان
analyst-surveys-id = معرّف الاستبيان
analyst-surveys-version = الإصدار
analyst-surveys-versions = { $version } ({ $count ->
    [one] إصدار واحد
    [two] إصداران
    [few] { $count } إصدارات
    [many] { $count } إصدارًا
   *[other] { $count } إصدار
})
analyst-surveys-factories = المصانع
analyst-surveys-all-factories = كل المصانع
analyst-surveys-responses = الردود
analyst-surveys-open = افتح
analyst-surveys-open-named = افتح نتائج { $title }
case-handed-over = أحال هذا المسار الحالة: لا يستطيع الآن الرد عليها أو تغيير وضعها أو إضافة ملاحظات إلا { $route }. ترى الحالة حتى لحظة الإحالة.
# E-mail notifications (ADR 0023)
notifications-open = إشعارات البريد الإلكتروني
notifications-title = إشعارات البريد الإلكتروني
notifications-loading = جارٍ تحميل إعدادات الإشعارات…
notifications-help = عندما تصل حالة جديدة إلى مسارك، أو يكتب عامل مرة أخرى، أو ينقضي موعد نهائي، يمكن للخادم أن يرسل إليك رسالة بريد إلكتروني، رسالة واحدة على الأكثر { $minutes ->
    [one] كل دقيقة.
    [two] كل دقيقتين.
    [few] كل { $minutes } دقائق.
   *[other] كل { $minutes } دقيقة.
} لا تذكر الرسالة إلا عدد الحالات المنتظرة وعلى أي مسار، ولا شيء أبدًا من محتوى أي حالة: سجّل الدخول هنا لقراءتها.
notifications-unavailable = لا يرسل هذا الخادم أي بريد إلكتروني: لم يُعدّ مشغّله خادم بريد.
notifications-email = عنوان البريد الإلكتروني
notifications-email-hint = عنوان لا يقرؤه إلا أنت أو فريقك. اتركه فارغًا لإيقاف الرسائل.
notifications-save = احفظ
notifications-stop = أوقف الرسائل
notifications-on = تُرسل الرسائل إلى { $email }.
notifications-off = لا رسائل: لم تُعطِ عنوانًا.
notifications-saved = حُفظ. تُرسل الرسائل إلى { $email }.
notifications-stopped = توقفت الرسائل. لم يعد الخادم يحتفظ بعنوانك.
notifications-invalid = لا يقبل الخادم هذا العنوان. أعطِ عنوانًا واحدًا، مثل name@example.org.
notifications-failing = تعذّر على الخادم إرسال رسالتك الأخيرة ({ $attempts ->
    [one] محاولة واحدة
    [two] محاولتان
    [few] { $attempts } محاولات
    [many] { $attempts } محاولة
   *[other] { $attempts } محاولة
}). سيواصل المحاولة. إن استمر ذلك فأبلغ مشغّل الخادم.


## Cases by category: counted by a reader, published for dashboards (ADR 0024)
category-publish-title = أعداد الفئات للوحات المعلومات
category-publish-help = فئة الحالة مختومة: لا يستطيع الخادم عدّها. يفتح هذا كل حالة يمكنك قراءتها، في هذا المتصفح، ويعدّها حسب المصنع والشهر والفئة. تُخفى الأعداد الأقل من { $min }، وكذلك أي عدد قد يكشف أحدها. ترى الجدول قبل إرسال أي شيء؛ لا يُرسل إلا الجدول، ولا تُرسل فئة أي حالة أبدًا.
category-count = عُدّ الفئات
category-counting = جارٍ فتح الحالات وعدّها…
category-counted = { $cases ->
    [one] عُدّت حالة واحدة.
    [two] عُدّت حالتان.
    [few] عُدّت { $cases } حالات.
    [many] عُدّت { $cases } حالة.
   *[other] عُدّت { $cases } حالة.
} راجع الجدول ثم انشره.
category-none = ليست لديك حالات لعدّها.
category-caption = الحالات حسب الفئة، كما ستُنشر
category-total = الحالات
category-by-category = حسب الفئة
category-line = { $category }: { $count }
category-publish = انشر أعداد الفئات
category-publish-hint = سيرى الموظفون الذين يقرؤون لوحات المعلومات هذا الجدول مع مسارك وتاريخ اليوم؛ ويسجّل الخادم أنك نشرته.
category-published = نُشر. يحل محل الأعداد السابقة لمسارك للمصانع والأشهر نفسها.
dashboard-categories-title = الحالات حسب الفئة
dashboard-categories-help = عدّها قارئ من كل مسار، في متصفحه، من الحالات التي وصلت إلى ذلك المسار، ثم نشرها. لا يستطيع الخادم التحقق من هذه الأعداد: يسجّل مَن نشرها.
dashboard-categories-none = لم ينشر أي قارئ أعداد الفئات لهذا المصنع بعد.
dashboard-categories-caption = الحالات في { $factory } حسب الفئة، عدّها { $route }
dashboard-published = تاريخ النشر
dashboard-published-by = نشرها قارئ من { $route } في { $date }
dashboard-training-title = إتمام التدريب
dashboard-training-caption = التدريب في { $factory } حسب الوحدة
dashboard-surveys-title = نتائج الاستبيانات
dashboard-surveys-none = لم تُنشر نتائج استبيانات لهذا المصنع بعد.
dashboard-survey-caption = { $survey }: عدد المستجيبين { $respondents }، نُشرت في { $date }
dashboard-survey-question = السؤال
dashboard-survey-answered = أجابوا
dashboard-survey-answers = الإجابات
dashboard-survey-mean = المتوسط: { $mean }
dashboard-categories-download = نزّل الحالات حسب الفئة (CSV)
dashboard-training-download = نزّل التدريب (CSV)
dashboard-surveys-download = نزّل نتائج الاستبيانات (CSV)

## Published packs, survey schedules and events
nav-content = الحزم المنشورة
nav-schedules = جداول الاستبيانات
nav-events = الأحداث
content-help = وحدات التدريب والاستبيانات التي نشرها البرنامج. لا تأخذ الأجهزة إصدارًا إلا إذا حمل توقيع حامل المفتاح؛ ويتحقق الخادم من كل توقيع مرة أخرى لهذه القائمة.
content-none = لم يُنشر شيء بعد.
content-kind = النوع
content-kind-training-module = وحدة تدريب
content-kind-survey = استبيان
content-id = المعرّف
content-current = الإصدار على الأجهزة
content-not-yet = لا شيء بعد: بانتظار حامل المفتاح
content-version-number = الإصدار { $version }
content-assigned = مخصص لـ
content-all-factories = كل المصانع
content-versions-caption = إصدارات { $title }
content-version = الإصدار
content-published = تاريخ النشر
content-proposed-on = اقتُرح في { $when }
content-size = الحجم
content-media = ملفات الوسائط
content-signature = توقيع حامل المفتاح
content-signature-verified = موقّع
content-signature-invalid = التوقيع غير صحيح
content-signature-awaiting = بانتظار التوقيع
content-schedule-link = جدول { $title }
schedules-help = الاستبيان الذي لا جدول له مفتوح لكل عامل في المصانع المخصص لها. يحدد الجدول متى يُفتح ومتى يُغلق ولمن: في متابعة تدقيق مثلًا، العمال الذين يخصهم حدث ما، بعد بضعة أيام منه.
schedules-none = لم يُنشر أي استبيان بعد.
schedule-none = لا جدول: مفتوح لكل عامل في المصانع المخصص لها.
schedule-who-everyone = كل عامل في مصانعه،
schedule-who-factories = عمال { $factories }،
schedule-who-departments = عمال { $departments } في { $factory }،
schedule-who-workers = { $count ->
    [one] عامل واحد مُدرج
    [two] عاملان مُدرجان
    [few] { $count } عمال مُدرجين
    [many] { $count } عاملًا مُدرجًا
   *[other] { $count } عامل مُدرج
} من { $factory }،
schedule-who-after-event = العمال الذين يخصهم حدث من نوع «{ $event }»، { $after ->
    [0] من يوم الحدث
    [one] من اليوم التالي له
    [two] من بعده بيومين
    [few] من بعده بـ{ $after } أيام
    [many] من بعده بـ{ $after } يومًا
   *[other] من بعده بـ{ $after } يوم
}{ $open ->
    [0] {""}
    [one] {" "}لمدة يوم واحد
    [two] {" "}لمدة يومين
    [few] {" "}لمدة { $open } أيام
    [many] {" "}لمدة { $open } يومًا
   *[other] {" "}لمدة { $open } يوم
}،
schedule-window-both = من { $opens } إلى { $last }.
schedule-window-from = من { $opens }، دون يوم إغلاق.
schedule-window-until = حتى { $last }.
schedule-window-always = دون يوم فتح أو إغلاق.
schedule-when = متى
schedule-who = مَن يمكنه الإجابة
schedule-opens = أول يوم مفتوح
schedule-opens-hint = اختياري. من بداية هذا اليوم (بالمنطقة الزمنية لهذا الحاسوب).
schedule-closes = آخر يوم مفتوح
schedule-closes-hint = اختياري. يُغلق من نهاية هذا اليوم.
schedule-target = مفتوح لـ
schedule-target-everyone = كل عامل في مصانعه
schedule-target-factories = بعض المصانع
schedule-target-departments = أقسام مصنع
schedule-target-workers = عمال مُدرجون من مصنع
schedule-target-after-event = العمال الذين يخصهم حدث
schedule-factories = المصانع
schedule-factories-hint = اختر مصنعًا أو أكثر.
schedule-factory = المصنع
schedule-choose-factory = اختر مصنعًا
schedule-departments = الأقسام
schedule-workers = أرقام العمال
schedule-list-hint = واحد في كل سطر، أو مفصولة بفواصل.
schedule-event = نوع الحدث
schedule-event-hint = كما سُجّل في صفحة الأحداث، مثلًا «audit».
schedule-after = الأيام بعد الحدث
schedule-after-hint = من 0 إلى { $max }: في اليوم 5 بعد التدقيق، أدخل 5.
schedule-open-days = أيام الفتح لكل عامل
schedule-open-days-hint = اختياري. فارغ: حتى يُغلق الاستبيان.
schedule-save = احفظ جدول { $title }
schedule-saved = حُفظ جدول { $title }.
schedule-not-saved = لم يُحفظ شيء لـ { $title }: انظر الرسائل بجانب النموذج.
schedule-refused = رفضه الخادم: { $reason }
schedule-refused-workers = رفضه الخادم: أحد أرقام العمال ليس في قائمة عمال المصنع المختار. لم يتغير شيء.
schedule-error-date = أدخل تاريخًا.
schedule-error-order = لا يمكن أن يسبق آخر يوم أول يوم.
schedule-error-days = أدخل عددًا صحيحًا من الأيام من { $min } إلى { $max }.
schedule-error-factories = اختر مصنعًا واحدًا على الأقل.
schedule-error-factory = اختر مصنعًا.
schedule-error-departments = أدخل قسمًا واحدًا على الأقل.
schedule-error-workers = أدخل رقم عامل واحدًا على الأقل.
schedule-error-too-many = { $max ->
    [few] { $max } إدخالات على الأكثر.
    [many] { $max } إدخالًا على الأكثر.
   *[other] { $max } إدخال على الأكثر.
}
schedule-error-event = أدخل نوع حدث من 1 إلى { $max ->
    [few] { $max } أحرف.
    [many] { $max } حرفًا.
   *[other] { $max } حرف.
}
events-help = أمر حدث في مصنع، مثل تدقيق، والعمال الذين يخصهم (مثلًا من أُجريت معهم مقابلات). يُفتح الاستبيان المجدول لمتابعة أحداث من هذا النوع لهؤلاء العمال تحديدًا. تعرض هذه القائمة عدد العمال ولا تذكر أسماءهم أبدًا.
events-record-title = تسجيل حدث
events-record-help = تُرسل أرقام العمال إلى الخادم، الذي لا يحتفظ بها إلا لفتح استبيان المتابعة لهؤلاء العمال.
events-factory-hint = أين حدث.
events-kind = النوع
events-day = اليوم
events-day-hint = يوم حدوثه؛ تُحسب أيام استبيانات المتابعة منه.
events-workers = العمال المعنيون (أرقامهم)
events-workers-hint = رقم واحد في كل سطر، أو مفصولة بفواصل، كما في قائمة العمال.
events-record = سجّل الحدث
events-recorded = سُجّل: { $kind } في { $factory } يوم { $day }، { $count ->
    [one] عامل واحد
    [two] عاملان
    [few] { $count } عمال
    [many] { $count } عاملًا
   *[other] { $count } عامل
}.
events-not-recorded = لم يُسجَّل الحدث: انظر الرسائل بجانب النموذج.
events-refused-workers = رفضه الخادم: أحد أرقام العمال ليس في قائمة عمال هذا المصنع. لم يُسجَّل شيء.
events-list-title = الأحداث المسجّلة
events-none = لم يُسجَّل أي حدث.
events-caption = الأحداث في { $factory }
events-count = العمال
events-recorded-at = تاريخ التسجيل
events-follow-ups = الاستبيانات التالية له
events-follow-up = يُفتح { $title } في { $day }
