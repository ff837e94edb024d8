# Worker cards in Bengali: the card strings only (the console's own pages are
# in the core's languages, ../*.ftl). Same ids as the card-* messages of ../en.ftl.
card-title = Worker Voice
card-hello = { $name }-এর জন্য
card-number = কর্মী নম্বর
card-code = সক্রিয়করণ কোড
card-steps = Worker Voice অ্যাপটি খুলুন, আপনার কর্মী নম্বর ও এই কোড লিখুন, তারপর নিজের গোপন পিন বেছে নিন।
card-qr-label = QR কোড: আপনার কর্মী নম্বর ও সক্রিয়করণ কোড দিয়ে Worker Voice অ্যাপ খোলে
card-channels = আপনার অভিযোগ যেখানে যেতে পারে
card-route-factory-committee = কারখানা কমিটি
card-route-independent-hotline = স্বাধীন হটলাইন
card-route-brand = ব্র্যান্ড
card-answer-within = { $days } দিনের মধ্যে উত্তর দেয়
card-sealed = আপনি যা লেখেন তা ফোনেই সিল করা হয়: কারখানা তা পড়তে পারে না।
