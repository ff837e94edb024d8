# Worker Voice app strings — English (built into the library; the fallback of every chain).
# One source for Android and iOS. Ids are stable; each screen's strings share a prefix.
# `.label` attributes are spoken labels (TalkBack, VoiceOver) for controls without visible text.

app-name = Worker Voice

## Shared
common-back = Back
common-next = Next
common-cancel = Cancel
common-continue = Continue
common-working = Please wait…
common-retry = Try again
common-offline = No connection. What you send is kept on this device and sent later.

## Enrol: set up this device
enrol-title = Set up this device
enrol-hint = Type the set-up code from programme staff, or scan the QR code they show you.
enrol-code-label = Set-up code
enrol-scan = Scan the QR code
enrol-scan-hint = Hold the camera over the QR code from programme staff. It is read by itself.
enrol-scan-unavailable = The camera cannot be used here. Type the set-up code instead.
enrol-scan-none = No set-up code could be read in that picture. Try again with the code filling the picture, or type the code.
enrol-mode-title = Who uses this device?
enrol-mode-personal = My own phone
enrol-mode-shared = A shared tablet
enrol-submit = Set up

## Choose a language
language-title = Choose your language
language-current = Current language

## Sign in and first activation
signin-title = Sign in
signin-worker-number = Worker number
signin-pin = Your PIN
signin-submit = Sign in
signin-first-time = First time here? Activate your account
signin-anonymous-report = Report without signing in
signin-attempts-left =
    { $count ->
        [one] { $count } try left
       *[other] { $count } tries left
    }
activate-title = Activate your account
activate-hint = Enter your worker number and the activation code on your worker card.
activate-code = Activation code
activate-scan = Scan your worker card
activate-scan-none = No worker card could be read in that picture. Try again with the QR code filling the picture, or type your worker number and code.
activate-choose-pin = Choose a PIN of 6 digits
activate-repeat-pin = Enter the same PIN again
activate-pins-differ = The two PINs are not the same. Choose your PIN again.
activate-submit = Activate
pinpad-delete = Delete
    .label = Delete the last digit
pinpad-entered =
    { $count ->
        [0] No digits entered
        [one] { $count } digit entered
       *[other] { $count } digits entered
    }

## Home
home-hello = Hello, { $name }
home-report = Report a problem
home-follow-up = Follow up with a receipt
home-my-cases = My reports
home-language = Language
home-done = I'm done
home-queued =
    { $count ->
        [one] { $count } report waiting to be sent
       *[other] { $count } reports waiting to be sent
    }

## Report a grievance
report-title = Report a problem
report-step = Step { $step } of { $count }
report-category-title = What is it about?
report-text-title = What happened?
report-text-hint = Write in your own words, in any language. Say when and where it happened.
report-text-label = Your report
report-identity-title = Do you want to give your name?
report-named = Give my name
report-named-hint = The people who read it see your name and can contact you.
report-anonymous = Stay anonymous
report-anonymous-hint = Nobody sees your name. Keep the receipt to read the reply.
report-route-title = Who should read it?
report-route-factory_committee = Factory committee
report-route-factory_committee-hint = Workers and managers of your factory.
report-route-independent_hotline = Independent hotline
report-route-independent_hotline-hint = People outside your factory, working for the programme.
report-route-brand = The brand
report-route-brand-hint = The company that buys from your factory.
report-kiosk-anonymous = Without signing in, your report is anonymous and nothing of it stays on this tablet. Write down the receipt at the end.
report-route-none = Choose at least one.
report-route-readers =
    { $count ->
        [one] { $organisation }: { $count } person can read it
       *[other] { $organisation }: { $count } people can read it
    }
report-route-unnamed = Not named in the directory
report-route-single = Only one person can read reports sent this way. If they lose their key, nobody can read yours. Choose a second way too.
report-route-readers-unknown = Who can read it is not known yet. Connect once to get the list.
report-review-title = Check your report
report-review-category = About
report-review-text = What happened
report-review-identity = Your name
report-review-route = Read by
report-review-named = { $name } (your name is given)
report-change = Change: { $what }
report-send = Send
report-sending = Sending…

## Receipt: shown once
receipt-title = Your receipt
receipt-hint = Write both down now. You need them to read the reply, from any device. They will not be shown again.
receipt-case = Case number
receipt-secret = Secret code
receipt-sent = Your report was sent.
receipt-queued = Your report is kept on this device and will be sent when there is a connection.
receipt-written = I have written it down
receipt-continue = Continue
receipt-read-aloud = Read aloud
receipt-spoken = Your case number is { $case }. Your secret code is { $secret }.
read-aloud-unavailable = This device has no voice for your language. Please read the numbers on the screen.

## Follow-up with a receipt (any device, no sign-in needed)
followup-title = Follow up with a receipt
followup-hint = Enter the case number and the secret code from your receipt. This works on any device.
followup-case = Case number
followup-secret = Secret code
followup-open = Open
signin-follow-up = I have a receipt

## My reports and a case's conversation
cases-title = My reports
cases-empty = You have not sent a report from this device.
cases-open = Open the report from { $date }
case-title = Case { $case }
case-status = Status: { $status }
case-you = You
case-reply-from = Reply
case-no-replies = No reply yet. Come back later.
case-reply-label = Your answer
case-reply-send = Send answer
case-state-not_sent = Not sent yet
case-state-received = Received
case-state-acknowledged = Seen by the reader
case-state-investigating = Being looked into
case-state-resolved = Resolved
case-state-closed = Closed
case-state-escalated = Passed on to a higher level

## Surveys
home-surveys = Surveys
surveys-title = Surveys
surveys-loading = Getting the surveys…
surveys-empty = There is no survey for you now.
surveys-state-ready = Open to answer
surveys-state-answered = You answered it
surveys-state-answered_elsewhere = You answered it on another device
surveys-state-not_downloaded = Not on this device yet. Connect to get it.
surveys-in-progress = Started: your answers are saved
survey-anonymous = Your answers are anonymous: they are sent without your name, some time later.
survey-required = Needs an answer
survey-yes = Yes
survey-no = No
survey-rating = { $min } to { $max }
survey-number-label = A number
survey-text-label = Your answer
survey-date-label = Date (year-month-day, e.g. 2026-03-31)
survey-listen = Listen to the question
survey-save = Save and finish later
survey-submit = Send my answers
survey-fix = Some answers need a change. Look for the red notes.
survey-thanks-title = Thank you
survey-thanks = Your answers are anonymous: they carry no name, no worker number and nothing that says which phone or tablet sent them.
survey-thanks-next = What happens next: your answers are sealed on this device and sent when it is online, after a short random wait. Only the programme's survey team can open them. Your factory never sees your answers, only totals for groups of 5 workers or more.
survey-thanks-case = Your answers opened a confidential case. Keep this receipt to read the reply.

## Training
home-training = Training
training-title = Training
training-loading = Getting the lessons…
training-downloading = Downloading: { $done } of { $total } KB
training-empty = There are no lessons on this device yet.
training-points = { $points } points
training-level = Level { $level }
training-streak =
    { $count ->
        [0] Learn today to start a streak
        [one] { $count } day in a row
       *[other] { $count } days in a row
    }
training-badges = Badges
training-no-badges = No badge yet. Pass a quiz to earn one.
training-certificates = Certificates
training-certificate = { $title }: passed on { $date }
training-leaderboard = Leaderboard
training-lessons = Lessons
training-lesson-done = Done
training-lesson-open = Open
training-media-play = Play the recording
training-complete-lesson = I have finished this lesson
training-lesson-points =
    { $points ->
        [0] Lesson done (counted before).
       *[other] Lesson done: +{ $points } points.
    }
training-new-badge = New badge: { $title }
training-take-quiz = Take the quiz
training-quiz-title = Quiz
training-quiz-submit = Check my answers
training-quiz-true = True
training-quiz-false = False
training-quiz-up = Move up: { $what }
training-quiz-down = Move down: { $what }
training-quiz-result = { $count } of { $total } right
training-quiz-passed = Passed! +{ $points } points.
training-quiz-failed = Not passed yet. Read the lessons again and try once more.
training-leaderboard-hint = Only a nickname is shown, never your name. You choose whether to take part.
training-leaderboard-join = Take part
training-leaderboard-leave = Stop taking part
training-leaderboard-you = You take part as { $name }
training-leaderboard-hidden = Fewer than five people take part: nothing is shown yet.
training-leaderboard-line = { $rank }. { $name }: { $points } points

## Change PIN, background activity, idle countdown
home-change-pin = Change my PIN
home-sync-now = Send now
home-syncing = Sending: { $done } of { $total }…
home-sync-started = Connecting…
home-offline = No connection. Your reports are kept on this device and sent when there is one.
home-needs-attention =
    { $count ->
        [one] { $count } report could not be sent. Ask programme staff for help.
       *[other] { $count } reports could not be sent. Ask programme staff for help.
    }
home-all-sent = Everything is sent.
changepin-title = Change my PIN
changepin-current = Enter your current PIN
changepin-new = Choose a new PIN of 6 digits
changepin-repeat = Enter the new PIN again
changepin-submit = Change PIN
changepin-done = Your PIN is changed. Use the new one from now on.
idle-title = Are you still here?
idle-countdown =
    { $seconds ->
        [one] For your privacy, you will be signed out in { $seconds } second.
       *[other] For your privacy, you will be signed out in { $seconds } seconds.
    }
idle-stay = I'm still here
idle-leave = Sign me out now
home-last-sync-minutes =
    { $count ->
        [0] Last in touch with the hub: just now
        [one] Last in touch with the hub: { $count } minute ago
       *[other] Last in touch with the hub: { $count } minutes ago
    }
home-last-sync-hours =
    { $count ->
        [one] Last in touch with the hub: { $count } hour ago
       *[other] Last in touch with the hub: { $count } hours ago
    }
home-last-sync-days =
    { $count ->
        [one] Last in touch with the hub: { $count } day ago
       *[other] Last in touch with the hub: { $count } days ago
    }
home-never-synced = Not yet in touch with the hub.

## A device the programme retired
retired-title = This device is no longer in use
retired-body = The programme has taken it out of service. Nothing anyone wrote is kept on it, and nobody can sign in here any more.
retired-hint = Please give it back to the staff. Your reports are safe: follow them up with your receipt on another device.

## Report: photo or voice note, call-back request
report-attachments-hint = You can add a photo or a voice note. Only the readers you choose can open them.
report-take-photo = Take a photo
report-choose-photo = Choose a photo
report-record-voice = Record a voice note
# $elapsed and $max: minutes and seconds, like 0:12 and 2:00.
report-recording = Recording… { $elapsed } of { $max }. Speak now.
report-recording-stop = Stop and keep
report-recording-cancel = Cancel
report-attachment-play = Play { $what }
report-photo-unreadable = This photo could not be read. Please take it again.
report-voice-unavailable = The microphone cannot be used now. You can write your words instead.
# $count: most photos and voice notes per report; $max: most megabytes they may take together (both the core's attachmentLimits()).
report-attachments-limits = { $count ->
    [one] Up to one photo or voice note, { $max } MB at most
   *[other] Up to { $count } photos or voice notes, { $max } MB together
}
report-attachment-remove = Remove { $what }
report-callback = Ask to be called back
report-callback-hint = Someone who reads your report calls you. Give a number only you answer.
report-callback-phone = Phone number
report-callback-time = When to call (for example: after 6 pm)
report-callback-language = Language for the call
report-review-attachments = Attached
report-review-callback = Call back
report-review-callback-value = { $phone }, { $time }, in { $language }

## The system's permission prompts on iOS (Info.plist usage descriptions),
## written into ios/App/Resources/<lang>.lproj/InfoPlist.strings by
## ios/scripts/gen-infoplist-strings.py. Plain text: no variables.
ios-permission-camera = Worker Voice uses the camera to scan the set-up QR code and to take a photo for a report. Photos are not saved to your photo library.
ios-permission-microphone = Worker Voice uses the microphone to record a voice note for a report.
