# Worker cards in Khmer: the card strings only (the console's own pages are
# in the core's languages, ../*.ftl). Same ids as the card-* messages of ../en.ftl.
card-title = Worker Voice
card-hello = សម្រាប់ { $name }
card-number = លេខកម្មករ
card-code = លេខកូដបើកដំណើរការ
card-steps = បើកកម្មវិធី Worker Voice បញ្ចូលលេខកម្មករ និងលេខកូដនេះ រួចជ្រើសរើសលេខសម្ងាត់ PIN ផ្ទាល់ខ្លួនរបស់អ្នក។
card-qr-label = កូដ QR៖ បើកកម្មវិធី Worker Voice ជាមួយលេខកម្មករ និងលេខកូដរបស់អ្នក
card-channels = កន្លែងដែលរបាយការណ៍របស់អ្នកអាចផ្ញើទៅ
card-route-factory-committee = គណៈកម្មាធិការរោងចក្រ
card-route-independent-hotline = ខ្សែទូរស័ព្ទបន្ទាន់ឯករាជ្យ
card-route-brand = ម៉ាកយីហោ
card-answer-within = ឆ្លើយតបក្នុងរយៈពេល { $days } ថ្ងៃ
card-sealed = អ្វីដែលអ្នកសរសេរត្រូវបានចាក់សោនៅលើទូរស័ព្ទ៖ រោងចក្រមិនអាចអានបានទេ។
