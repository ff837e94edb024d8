# Worker Voice core messages — English (the fallback of every chain).
# Ids are stable: `error-<code>` for each public error code.

error-weak-pin = This PIN is too easy to guess. { $reason }
pin-reason-too-short = Use at least { $min } digits.
pin-reason-not-digits = Use digits only.
pin-reason-repeated = Do not repeat the same digit or pattern.
pin-reason-sequence = Do not use digits in a row, like 123456.
pin-reason-common = Many people use this PIN. Choose another one.
pin-reason-date = Do not use a date, like a birthday.

error-wrong-pin =
    { $attempts ->
        [0] Wrong PIN.
        [one] Wrong PIN. You have { $attempts } try left.
       *[other] Wrong PIN. You have { $attempts } tries left.
    }
error-pin-locked = Too many wrong PINs. Ask programme staff to unlock your account.
error-activation-invalid = This activation code is not right. Check your worker card.
error-self-registration-disabled = You cannot register yourself at this factory. Ask programme staff.
error-worker-exists = This worker number is already registered.
error-not-enrolled = This device is not set up yet. Enter the set-up code from programme staff.
error-already-enrolled = This device is already set up.
error-enrolment-code-invalid = This set-up code is not valid. It may be used or expired.
error-not-a-worker-card = This QR code is not from a worker card. Scan the code on your card, or type your worker number and activation code.
error-card-for-another-hub = This worker card is for another programme than this device's. Ask programme staff.
error-device-retired = This device has been switched off by the programme.
error-device-keys-missing = This device's security keys are missing. Set the device up again.
error-vault-unreadable = Your saved data on this device cannot be opened with this PIN. If you changed your PIN on another device, use your previous PIN here once.
error-not-logged-in = Please log in first.
error-needs-hub = You signed in without a connection: you can write and send reports, but to read your saved reports and replies, sign in again when the tablet is online.
error-offline-unlock-unavailable = Connect to the internet to log in.
error-offline-sign-in-failed = Could not sign you in without a connection. Check your worker number and PIN. If you have not used this tablet before, sign in when it is online.
error-network-unavailable = No connection. Try again when you are online.
error-hub-unavailable = The service is busy. Try again in a few minutes.
error-hub-refused = The service did not accept this device's request.
error-clock-wrong = This device's date or time is wrong. Correct it and try again.
error-bad-reply = The service sent a reply this app cannot read. Try again later.
error-insecure-hub-url = The service address is not secure.
error-invalid-input = Some information is missing or not valid.
error-too-large = This is too large to save.
error-storage-corrupt = The app's data is damaged. Nothing was deleted. Contact programme staff.
error-disk-full = The phone's storage is full. Free some space; nothing was lost.
error-storage-failed = The app could not save. Nothing was lost. Try again.
error-key-store-unavailable = The phone's security store is not available. Unlock the phone and try again.
error-directory-missing = Connect to the internet once so the app can learn who receives reports.
error-directory-chain-broken = The hub offered a list of who receives reports that does not follow the one this app holds. The app keeps the one it has; tell the programme.
error-receipt-invalid = This case number or secret code is not right. Check what you wrote down.
error-content-unverified = This content could not be checked as coming from the programme, so it was not used. It will be downloaded again.
error-content-not-downloaded = This content is not on the device yet. Connect to the internet to download it.
error-already-answered = You have already answered this survey.
error-survey-not-open = This survey is not open for you now.
error-too-many-attachments = A report can carry at most { $count } photos and voice notes. Remove one to add another.
error-attachments-too-large = Photos and voice notes together can be at most { $megabytes } MB in one report. Remove one, or record a shorter voice note.
error-internal = Something went wrong. Try again.

# Survey answers
survey-required = Please answer this question.
survey-wrong-type = This answer does not fit the question.
survey-unknown-option = Please choose one of the options shown.
survey-out-of-range = Please give a value from { $min } to { $max }.
survey-not-whole = Please give a whole number.
survey-too-few = Please choose or write at least { $min }.
survey-too-many = Please choose or write at most { $max }.
survey-bad-date = Please give a date within the allowed range.
survey-not-shown = This question is not asked for your earlier answers.
survey-unknown-question = This question is not in the survey.
survey-case-text = A worker answering the survey “{ $title }” reported retaliation or harm. The survey answer itself stays anonymous; this report was filed for them so someone independent can follow up.
