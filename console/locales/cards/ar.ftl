# Worker cards in Arabic (right to left): the card strings only (the console's
# own pages are in the core's languages, ../*.ftl). Same ids as the card-*
# messages of ../en.ftl.
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
