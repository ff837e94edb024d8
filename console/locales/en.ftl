# The console's strings (English). Every language file has the same ids
# (checked by test/locales.test.ts).

app-name = Worker Voice
loading = Loading…
language-label = Language
skip-to-content = Skip to content
nav-label = Main
nav-factories = Factories
nav-brands = Brands
nav-staff = Staff
nav-proposals = Proposals
nav-audit = Audit log
nav-account = My account
sign-out = Sign out
signed-in-as = { $name } ({ $role })
yes = Yes
no = No
none = None
actions = Actions
suppressed = Fewer than 5 (hidden)

role-programme_admin = Programme admin
role-factory_admin = Factory admin
role-brand_staff = Brand staff
role-auditor = Auditor
role-label = Role

error-title = Something went wrong
error-unauthorized = Your session has ended. Sign in again.
error-forbidden = Your role may not do this.
error-not-found = Not found.
error-bad-request = The hub refused these details. Check them and try again.
error-network = The hub cannot be reached. Check the connection and try again.
error-worker-exists = That name is already taken.
error-rate-limited = Too many attempts. Wait { $seconds } seconds and try again.
error-other = The hub could not do this. Try again later.
not-found-title = Page not found
not-found-body = There is no such page.
forbidden-title = Not for your role
forbidden-body = Your role does not include this page.

sign-in-title = Sign in
sign-in = Sign in
sign-in-failed = Wrong login, password or code.
login-label = Login
login-hint = 3 to 64 characters: letters, digits, dot, dash, underscore, @.
password-label = Password
totp-label = Code from your authenticator app
totp-label-short = Second factor
totp-hint = Six digits. Leave empty if your account has no second factor.
signed-out = You have signed out.
signed-out-idle = You were signed out after a time without activity.
session-ended = Your session has ended. Sign in again.
invitation-accepted = Your account is ready. Sign in with your new password.

accept-title = Accept your invitation
accept-intro = Choose your login and password. Nobody else will know your password.
accept-submit = Create my account
display-name-label = Your name
new-password-label = New password
confirm-password-label = Repeat the new password
password-hint = At least { $min } characters.
password-too-short = The password needs at least { $min } characters.
passwords-differ = The two passwords differ.
totp-enable-label = Use a second factor (authenticator app)
totp-setup-legend = Second factor
totp-setup-help = Add this key to your authenticator app (as a time-based key), then type the code it shows.
invitation-missing = This link has no invitation in it. Ask for a new invitation.
invitation-invalid = This invitation is unknown, used or expired. Ask for a new one.
invitation-bad-request = Check the details. Your role may require a second factor, and the code must be current.
login-taken = That login is taken. Choose another.

account-title = My account
change-password-title = Change password
old-password-label = Current password
change-password-submit = Change password
password-changed = Your password was changed. Your other sessions have ended.

factories-caption = Factories you can see
factories-none = No factories yet.
factory-name = Factory
factory-id = Id
factory-create-title = Add a factory
factory-create = Add factory
factory-created = Factory { $name } was added.
factory-sections = Sections of { $name }

tab-workers = Workers
tab-roster = Import roster
tab-devices = Devices
tab-codes = Enrolment codes
tab-cards = Worker cards
tab-training = Training report
tab-settings = Settings

workers-caption = Workers ({ $count })
workers-none = No workers yet. Import a roster.
worker-number = Worker number
worker-name = Name
worker-language = Language
worker-state = State
worker-active = Activated
worker-not-activated = Not activated
worker-locked = Locked (too many wrong PINs)
worker-unlock = Unlock
worker-unlock-for = Unlock worker { $number }
worker-unlocked = Worker { $number } was unlocked.
worker-reset = Reset
worker-reset-for = Reset worker { $number }
worker-reset-confirm = Reset worker { $number }? Their notes on every device are erased and they get a new activation code.
worker-reset-done = Worker { $number } was reset. Their new card is under Worker cards.

roster-help = Paste or choose a CSV file. Every row is checked here before anything is saved.
roster-file = CSV file
roster-text = CSV text
roster-check = Check
roster-import = Import
roster-bad-header = The first line must be: worker_number,display_name,language (and optionally ,department).
roster-problems-caption = Rows to fix ({ $count })
roster-line = Line
roster-problem = Problem
roster-error-columns = Wrong number of columns.
roster-error-number = The worker number must be 1 to 32 letters, digits or dashes.
roster-error-name = The name is empty, too long or has control characters.
roster-error-language = The language is not a language tag such as vi or zh-CN.
roster-error-duplicate = This worker number appears twice.
roster-ready = { $count } rows are ready to import.
roster-imported = { $added } workers added, { $updated } updated.

devices-caption = Devices ({ $count })
devices-none = No devices enrolled yet.
device-id = Device
device-mode = Kind
device-state = State
device-last-seen = Last seen
device-queued = Waiting to send
device-retire = Retire
device-retire-for = Retire device { $id }
device-retire-confirm = Retire this device? It can no longer sync.
device-wipe = Wipe
device-wipe-for = Wipe device { $id }
device-wipe-confirm = Wipe this device? Everything on it is erased at its next sync.
device-wipe-pending = Wipe requested
device-wiped = Wiped
mode-personal = Personal phone
mode-shared = Shared tablet

codes-help = Enrolment codes connect a phone or a shared tablet to this factory. Each works once.
code-mode = Device kind
code-count = How many
code-days = Valid for (days)
code-issue = Issue codes
codes-shown-once = Write these down or print them now: they are shown only once.
codes-caption = New codes ({ $count })
code = Code
code-expires = Expires
code-link = Link for the app
code-qr = QR code
code-qr-label = QR code for enrolment code { $code }

cards-none = No new activation codes in this session. Import a roster or reset a worker to print cards.
cards-help = { $count } cards. They hold activation codes: print them, hand them out, and do not keep copies.
cards-print = Print cards
card-title = Worker Voice
card-hello = For { $name }
card-number = Worker number
card-code = Activation code
card-steps = Open the Worker Voice app, enter your worker number and this code, then choose your own secret PIN.
card-qr-label = QR code: opens the Worker Voice app with your worker number and activation code
card-channels = Where your report can go
card-route-factory-committee = Factory committee
card-route-independent-hotline = Independent hotline
card-route-brand = Brand
card-answer-within = { $days ->
    [one] answers within 1 day
   *[other] answers within { $days } days
}
card-sealed = What you write is sealed on the phone: the factory cannot read it.
cards-paper = Paper size
cards-paper-a4 = A4
cards-paper-letter = Letter

training-help = How many workers started and passed each module. Numbers under 5 are hidden to protect workers.
training-caption = Training modules
training-none = No training data yet.
training-module = Module
training-started = Started
training-passed = Passed

brands-caption = Brands and their supplier factories
brands-none = No brands yet.
brand-name = Brand
brand-suppliers = Supplier factories
brand-create-title = Add a brand
brand-create = Add brand
brand-created = Brand { $name } was added.
brand-link-title = Link a supplier factory
brand-link = Link
brand-linked = The factory was linked.

staff-caption = Staff accounts
staff-state = State
staff-active = Active
staff-disabled = Disabled
staff-revoke = End sessions
staff-revoke-for = End the sessions of { $login }
staff-revoked = The sessions of { $login } have ended.
staff-disable = Disable
staff-disable-for = Disable { $login }
staff-disable-confirm = Disable { $login }? They can no longer sign in.
roles-caption = Second factor by role
roles-totp-required = Second factor required
roles-totp-on = Require for { $role }
roles-totp-off = Stop requiring for { $role }
roles-totp-on-confirm = Require a second factor for { $role }? Accounts of this role without one can no longer sign in until they are invited again.
invite-title = Invite a staff member
invite-factories = Factories
invite-factories-hint = The factories this factory admin manages.
invite-submit = Create invitation
invite-created = Send this link to the person (it works once, until { $expires }).
invite-link = Invitation link

proposals-intro = Changes the programme's key holder must sign before devices trust them.
proposals-pending-count = { $count ->
    [one] One proposal awaits the key holder.
   *[other] { $count } proposals await the key holder.
}
proposals-caption = Proposals
proposal-kind = Kind
proposal-state = State
proposal-created = Created
proposal-id = Id
proposal-kind-directory = Recipient directory
proposal-kind-pack = Content pack
proposal-kind-delegation = Hub delegation
proposal-state-pending = Awaiting the key holder
proposal-state-published = Signed and published
proposal-state-superseded = Superseded

audit-caption = Staff actions, oldest first
audit-seq = No.
audit-at = When
audit-actor = Who
audit-action = Action
audit-object = Object
audit-next = Next page

settings-kiosk-idle = Shared tablet idle time-out (seconds)
settings-kiosk-idle-hint = From 30 to 1800. A worker's session on a shared tablet ends after this long without a touch.
settings-utc-offset = Offset from UTC (minutes)
settings-utc-offset-hint = For example 420 for Vietnam. Leave empty to keep it as it is.
settings-save = Save settings
settings-saved = The settings were saved. Devices take them at their next sync.

## Readers (handlers and analysts): sign-in and invitation (ADR 0015)
reader-sign-in-title = Sign in to read reports
reader-account-label = Reader account id
reader-sign-in-failed = Wrong account id or password.
reader-hub-mismatch = The hub's answer does not match your key. Stop here and tell your programme admin.
reader-home-title = Reports for { $name }
reader-key-id = Your key id: { $keyId }
reader-key-held = Your key is open in this tab only. Signing out, closing the tab or a time without activity locks it again.
reader-accept-title = Set up your reader account
reader-accept-help = Your browser makes your key and locks it with your password. Nobody can reset this password, not even the hub: if you lose it, ask for a new invitation.
reader-accept-submit = Make my key
reader-inbox-loading = Loading the cases on your route…
reader-inbox-empty = No cases on your route.
reader-status-filter = Show cases
reader-status-all = All statuses
reader-case = Case
reader-status = Status
reader-route = Route
reader-factory = Factory
reader-received = Received
reader-deadline = Deadline
reader-overdue = { $when } (overdue)
reader-status-received = Received
reader-status-acknowledged = Acknowledged
reader-status-investigating = Investigating
reader-status-resolved = Resolved
reader-status-closed = Closed
reader-status-escalated = Escalated
reader-route-factory-committee = Factory committee
reader-route-independent-hotline = Independent hotline
reader-route-brand = Brand

## Inbox (issue 14: filters, deadlines, assignment; pages/inbox.ts)

inbox-title = Inbox
inbox-filters = Filters
inbox-route-filter = Route
inbox-route-mine = On my route now
inbox-route-all = Every case I can see
inbox-factory-filter = Factory id
inbox-category-filter = Category
inbox-category-all = All categories
inbox-category-hint = The category is sealed in the report: your browser opens the cases of this page to filter by it, the hub cannot.
inbox-overdue-only = Overdue only
inbox-new-only = New since my last visit
inbox-assigned-to-me = Assigned to me
inbox-sort = Sort by
inbox-sort-deadline = Next deadline, soonest first
inbox-sort-received = Received, newest first
inbox-apply = Apply filters
inbox-caption = Cases ({ $total } matching), this page
inbox-next-deadline = Next deadline
inbox-deadlines = Deadlines
inbox-deadline-acknowledge = Acknowledge by { $date }
inbox-deadline-respond = Reply by { $date }
inbox-deadline-resolve = Resolve by { $date }
inbox-overdue = Overdue
inbox-new = New
inbox-assignee = Assigned to
inbox-unassigned = Nobody
inbox-assigned-you = You
inbox-assign = Assign
inbox-assign-label = Assign case { $caseId } to
inbox-assign-nobody = Nobody
inbox-assign-me = { $name } (me)
inbox-assign-save = Save
inbox-assigned-notice = Assignment of case { $caseId } saved.
inbox-pages = Pages
inbox-page = Page { $page } of { $pages }
inbox-previous = Previous page
inbox-next = Next page
inbox-deleted-on = Deleted on { $date }
inbox-expires-soon = Deleted within { $days } days

## Case page (pages/case.ts)

case-title = Case { $caseId }
case-deleted-on = Deleted on
case-deleted-on-date = { $date }, unless something new happens on the case first
case-back = Back to the inbox
case-print = Print
case-opened-here = This case is opened in this browser with your key. The hub only ever sees it sealed.
case-loading = Loading…
case-opening = Opening the case in this browser…
case-opened = The case is open.
case-not-found = There is no such case on your route.
case-refused = The hub refused: this case may have moved to another route, or your session ended.
case-cannot-open = This case does not open with your key. Tell your programme admin.
case-report-unavailable = The report could not be opened.
case-too-long = This text is too long (16 KB at most).
case-summary-title = About the case
case-report-title = The report
case-category = Category
case-reporter = Reported by
case-anonymous = Anonymous
case-named = { $name } (worker number { $number })
case-written-in = Written in
case-submitted = Written on the device
case-callback = Call back
case-callback-none = Not requested
case-callback-phone = Phone: { $phone }
case-callback-time = When: { $time }
case-callback-language = Language: { $language }
case-text = What the worker wrote
case-category-wages = Wages and pay
case-category-hours = Working hours
case-category-safety = Health and safety
case-category-harassment = Harassment or abuse
case-category-discrimination = Discrimination
case-category-retaliation = Retaliation
case-category-other = Something else
case-attachments-title = Attachments
case-attachments-none = No attachments.
case-attachment-loading = Opening attachment { $number }…
case-attachment-failed = Attachment { $number } could not be opened.
case-attachment-size = { $kib } KB
case-attachment-download = Download attachment { $number } ({ $type }, { $size }): it is not shown in the browser
case-photo-alt = Photo { $number } from the worker
case-photo-caption = Photo { $number }, { $size }
case-voice-label = Voice note { $number } from the worker
case-voice-caption = Voice note { $number }, { $size }
case-conversation-title = Conversation with the worker
case-conversation-empty = No messages yet.
case-from-worker = The worker
case-from-handler = A reader
case-reply-unopened = This message does not open with the case's key.
case-status-event = Status: { $status }
case-reply-title = Reply to the worker
case-reply-label = Your reply
case-reply-hint = Sealed in this browser: only the worker's device can open it.
case-reply-send = Seal and send the reply
case-reply-sent = Reply sent, sealed for the worker.
case-status-form-title = Change the status
case-status-label = New status
case-status-set = Change status
case-status-changed = Status changed to { $status }.
case-notes-title = Internal notes
case-notes-help = Only readers of this route see notes. The worker never does.
case-notes-none = No notes yet.
case-note-unopened = This note does not open with your key.
case-note-form-title = Add a note
case-note-label = Note
case-note-hint = Sealed in this browser to each reader of this route.
case-note-add = Seal and add the note
case-note-added = Note added, sealed for the readers of this route.
case-audit-title = Audit timeline
case-audit-caption = Who did what with this case (never its content)
case-audit-when = When
case-audit-who = Who
case-audit-what = What
case-actor-device = The worker's device
case-actor-hub = The hub
case-actor-staff = Programme staff
case-actor-you = You
case-actor-reader = Reader { $id }
case-action-received = Report received
case-action-attachment-received = Attachment received
case-action-fetched = Case opened
case-action-attachment-fetched = Attachment opened
case-action-reply = Reply
case-action-note = Note added
case-action-escalation-exhausted = Deadline passed on the last route
case-action-status = Status changed to { $status }
case-action-escalated = Escalated to { $route }

## Analyst: survey results (pages/analyst.ts). Keep this section separate.

analyst-title = Survey results
analyst-help = Answers are opened in this browser with your key: the hub only keeps them sealed. Groups and answers of fewer than 5 people are hidden, and so is any group the others would give away.
analyst-survey-label = Survey id
analyst-load = Open the results
analyst-loading = Opening the responses in this browser…
analyst-opened = { $count ->
    [one] One response opened in this browser.
   *[other] { $count } responses opened in this browser.
}
analyst-results-title = Results of { $survey }
analyst-version-label = Version
analyst-version-all = All versions
analyst-version = Version { $version }
analyst-factory-label = Factory
analyst-factory-all = All factories and each factory
analyst-group-all = All factories
analyst-group-factory = Factory { $factory }
analyst-respondents = { $count ->
    [one] One respondent
   *[other] { $count } respondents
}
analyst-group-suppressed = Fewer than 5 respondents (or a group that would reveal one): hidden.
analyst-answered = { $count ->
    [one] One answered
   *[other] { $count } answered
}
analyst-cell-suppressed = Fewer than 5 answered (or it would reveal a small group): hidden.
analyst-mean = Mean: { $mean }
analyst-no-counts = Free text and dates are not counted.
analyst-table-caption = { $question }: answers
analyst-col-answer = Answer
analyst-col-count = People
analyst-col-share = Share
analyst-download = Download CSV
analyst-downloaded = The CSV was made in this browser.
analyst-publish = Publish the aggregate (all versions)
analyst-publish-help = Publishing sends these suppressed totals to the hub: each factory's staff and its brands see that factory's group on their dashboards. No answer leaves this browser.
analyst-publishing = Publishing…
analyst-published = Published. Factory and brand dashboards now show these results.
analyst-publish-refused = The hub refused the aggregate: it would show a group of fewer than 5 people, a number in a hidden cell, or totals that reveal a hidden factory. Nothing was published.
analyst-not-found = No survey with this id, or it has no published version.
analyst-not-analyst = This account is not a survey analyst.
analyst-failed = The responses could not be opened in this browser: the hub may have altered them.
analyst-inbox = Case inbox
analyst-yes = Yes
analyst-no = No

## Deadlines per route (programme admins)
nav-deadlines = Deadlines
deadlines-help = How many days each route's readers have to acknowledge a case, to reply to the worker, and to resolve it, counted from the day the case was received. The inbox and the case page mark what is overdue.
deadlines-not-escalation = These are the handlers' working deadlines. The deadline after which an unacknowledged case moves to the next route is part of the signed directory and is not changed here.
deadlines-default = The programme's defaults (no one has set them).
deadlines-set = Set by a programme admin.
deadlines-acknowledge = Days to acknowledge
deadlines-acknowledge-hint = 1 to 366 days.
deadlines-respond = Days to reply to the worker
deadlines-respond-hint = 1 to 366 days, not fewer than to acknowledge.
deadlines-resolve = Days to resolve
deadlines-resolve-hint = 1 to 3660 days, not fewer than to reply; leave empty for no resolution deadline.
deadlines-save-route = Save the deadlines of { $route }
deadlines-saved = Deadlines of { $route } saved: acknowledge in { $acknowledge } days, reply in { $respond } days{ $resolve ->
    [0] , no resolution deadline.
   *[other] , resolve in { $resolve } days.
}
deadlines-not-saved = Nothing was saved for { $route }: correct the fields marked.
deadlines-error-whole = Enter a whole number of days from 1 to { $max }.
deadlines-error-range = Enter a number of days from 1 to { $max }.
deadlines-error-respond-order = The reply deadline cannot come before the acknowledge deadline.
deadlines-error-resolve-order = The resolution deadline cannot come before the reply deadline.

## The dashboard (staff, by scope): grievances, training, surveys, categories per factory
nav-grievances = Dashboard
grievances-help = Cases per factory and month of receipt. Counts under { $min } are hidden, and so is any count that would reveal one. Nothing a worker wrote is counted: only when cases arrived and how they were handled.
grievances-definitions = Acknowledged in time: a reader acknowledged the case by the route's deadline. Overdue: a deadline it still owes has passed. Resolved: resolved or closed. Medians: over five cases or more, in whole hours or days from receipt.
grievances-fewer-than = fewer than { $min }
grievances-none = No cases received.
grievances-caption = Cases at { $factory } by month
grievances-col-month = Month
grievances-col-received = Received
grievances-col-acknowledged-in-time = Acknowledged in time
grievances-col-overdue = Overdue
grievances-col-resolved = Resolved
grievances-col-median-hours-to-acknowledge = Median hours to acknowledge
grievances-col-median-days-to-resolve = Median days to resolve
grievances-download = Download cases by month (CSV)
grievances-downloaded = The CSV was made in this browser.

## Escalation on the case page
case-escalation-title = Escalation
case-escalation-routes = The routes the worker allowed, in order:
case-escalation-route-current = { $route } (holds the case now)
case-escalation-none = The case has not been escalated.
case-escalation-entry = Escalated to { $route } on { $when } by { $who }
case-overdue-title = Overdue
case-overdue-none = Nothing is overdue.
case-overdue-acknowledge = Not acknowledged by { $date }
case-overdue-respond = No reply to the worker by { $date }
case-overdue-resolve = Not resolved by { $date }
case-overdue-last-route = Not acknowledged in time on the last route the worker allowed: it cannot escalate further.
case-escalation-last = This is the last route the worker allowed.
case-escalate = Hand over to { $route }
case-escalate-help = Handing over moves the case to the next route the worker allowed, which can already open it. This route then sees the case only up to the hand-over, and can no longer reply.
case-escalate-confirm = Hand this case over to { $route }? This route will no longer be able to reply to it.
case-escalating = Handing the case over…
case-escalated-done = The case was handed over to { $route }.

## Analysts' survey list
analyst-surveys-heading = Surveys you can read
analyst-surveys-loading = Loading the surveys…
analyst-surveys-none = No published survey is sealed to you yet.
analyst-surveys-caption = Surveys whose responses are sealed to you
analyst-surveys-title = Title
analyst-surveys-id = Survey id
analyst-surveys-version = Version
analyst-surveys-versions = { $version } ({ $count } versions)
analyst-surveys-factories = Factories
analyst-surveys-all-factories = Every factory
analyst-surveys-responses = Responses
analyst-surveys-open = Open
analyst-surveys-open-named = Open the results of { $title }
case-handed-over = This route handed the case over: only { $route } can reply, change its status or add notes now. You see the case up to the hand-over.
# E-mail notifications (ADR 0023)
notifications-open = E-mail notifications
notifications-title = E-mail notifications
notifications-loading = Loading your notification settings…
notifications-help = When a new case arrives on your route, a worker writes again or a deadline passes, the hub can send you an e-mail, at most one every { $minutes } minutes. It says only how many cases wait and on which route, never anything from a case: sign in here to read them.
notifications-unavailable = This hub sends no e-mail: its operator has not set up a mail server.
notifications-email = E-mail address
notifications-email-hint = An address only you or your team read. Leave it empty to stop e-mails.
notifications-save = Save
notifications-stop = Stop e-mails
notifications-on = E-mails go to { $email }.
notifications-off = No e-mails: you have not given an address.
notifications-saved = Saved. E-mails go to { $email }.
notifications-stopped = E-mails stopped. The hub no longer keeps your address.
notifications-invalid = The hub does not accept this address. Give one address, such as name@example.org.
notifications-failing = The hub could not send your last e-mail ({ $attempts ->
    [one] 1 attempt
   *[other] { $attempts } attempts
}). It keeps trying. If this goes on, tell the hub's operator.


## Cases by category: counted by a reader, published for dashboards (ADR 0024)
category-publish-title = Category counts for the dashboards
category-publish-help = The category of a case is sealed: the hub cannot count it. This opens every case you can read, in this browser, and counts them per factory, month and category. Counts under { $min }, and any count that would reveal one, are hidden. You see the table before anything is sent; only the table is sent, never a case's category.
category-count = Count categories
category-counting = Opening and counting cases…
category-counted = { $cases } cases counted. Check the table, then publish it.
category-none = You have no cases to count.
category-caption = Cases by category, as they will be published
category-total = Cases
category-by-category = By category
category-line = { $category }: { $count }
category-publish = Publish category counts
category-publish-hint = Staff who read dashboards will see this table with your route and today's date; the hub records that you published it.
category-published = Published. It replaces your route's earlier counts for the same factories and months.
dashboard-categories-title = Cases by category
dashboard-categories-help = Counted by a reader of each route, in their browser, from the cases that reached that route, then published. The hub cannot check these numbers: it records who published them.
dashboard-categories-none = No reader has published category counts for this factory yet.
dashboard-categories-caption = Cases at { $factory } by category, counted by { $route }
dashboard-published = Published
dashboard-published-by = By a reader of { $route } on { $date }
dashboard-training-title = Training completion
dashboard-training-caption = Training at { $factory } by module
dashboard-surveys-title = Survey results
dashboard-surveys-none = No survey results have been published for this factory yet.
dashboard-survey-caption = { $survey }: { $respondents } respondents, published { $date }
dashboard-survey-question = Question
dashboard-survey-answered = Answered
dashboard-survey-answers = Answers
dashboard-survey-mean = Mean: { $mean }
dashboard-categories-download = Download cases by category (CSV)
dashboard-training-download = Download training (CSV)
dashboard-surveys-download = Download survey results (CSV)

## Published packs, survey schedules and events
nav-content = Published packs
nav-schedules = Survey schedules
nav-events = Events
content-help = Training modules and surveys the programme published. Devices take a version only with the key holder's signature on it; the hub checks each signature again for this list.
content-none = Nothing is published yet.
content-kind = Kind
content-kind-training-module = Training module
content-kind-survey = Survey
content-id = Id
content-current = Version on devices
content-not-yet = None yet: awaiting the key holder
content-version-number = Version { $version }
content-assigned = Assigned to
content-all-factories = Every factory
content-versions-caption = Versions of { $title }
content-version = Version
content-published = Published
content-proposed-on = Proposed { $when }
content-size = Size
content-media = Media files
content-signature = Key holder's signature
content-signature-verified = Signed
content-signature-invalid = Signature does not verify
content-signature-awaiting = Awaiting signature
content-schedule-link = Schedule of { $title }
schedules-help = A survey without a schedule is open to every worker of the factories it is assigned to. A schedule sets when it opens and closes, and to whom: for an audit follow-up, the workers an event concerned, some days after it.
schedules-none = No survey is published yet.
schedule-none = No schedule: open to every worker of the factories it is assigned to.
schedule-who-everyone = Every worker of its factories,
schedule-who-factories = The workers of { $factories },
schedule-who-departments = The workers of { $departments } at { $factory },
schedule-who-workers = { $count ->
    [one] 1 listed worker
   *[other] { $count } listed workers
} of { $factory },
schedule-who-after-event = The workers concerned by an event of kind “{ $event }”, { $after ->
    [0] from the day of the event
    [one] from 1 day after it
   *[other] from { $after } days after it
}{ $open ->
    [0] {""}
    [one] {" "}for 1 day
   *[other] {" "}for { $open } days
},
schedule-window-both = from { $opens } to { $last }.
schedule-window-from = from { $opens }, with no closing day.
schedule-window-until = until { $last }.
schedule-window-always = with no opening or closing day.
schedule-when = When
schedule-who = Who may answer
schedule-opens = First day open
schedule-opens-hint = Optional. From the start of this day (this computer's time zone).
schedule-closes = Last day open
schedule-closes-hint = Optional. Closed from the end of this day.
schedule-target = Open to
schedule-target-everyone = Every worker of its factories
schedule-target-factories = Some factories
schedule-target-departments = Departments of a factory
schedule-target-workers = Listed workers of a factory
schedule-target-after-event = The workers an event concerned
schedule-factories = Factories
schedule-factories-hint = Choose one or more.
schedule-factory = Factory
schedule-choose-factory = Choose a factory
schedule-departments = Departments
schedule-workers = Worker numbers
schedule-list-hint = One a line, or separated by commas.
schedule-event = Event kind
schedule-event-hint = As recorded on the Events page, for example “audit”.
schedule-after = Days after the event
schedule-after-hint = 0 to { $max }: on day 5 after an audit, enter 5.
schedule-open-days = Days open for each worker
schedule-open-days-hint = Optional. Empty: until the survey closes.
schedule-save = Save the schedule of { $title }
schedule-saved = Schedule of { $title } saved.
schedule-not-saved = Nothing was saved for { $title }: see the messages beside the form.
schedule-refused = The hub refused it: { $reason }
schedule-refused-workers = The hub refused it: a worker number is not on the roster of the factory chosen. Nothing was changed.
schedule-error-date = Enter a date.
schedule-error-order = The last day cannot come before the first day.
schedule-error-days = Enter a whole number of days from { $min } to { $max }.
schedule-error-factories = Choose at least one factory.
schedule-error-factory = Choose a factory.
schedule-error-departments = Enter at least one department.
schedule-error-workers = Enter at least one worker number.
schedule-error-too-many = At most { $max } entries.
schedule-error-event = Enter an event kind of 1 to { $max } characters.
events-help = Something that happened at a factory, such as an audit, and the workers it concerned (for example those interviewed). A survey scheduled to follow events of that kind opens for exactly those workers. This list counts the workers and never names them.
events-record-title = Record an event
events-record-help = The worker numbers are sent to the hub, which keeps them only to open the follow-up survey for these workers.
events-factory-hint = Where it happened.
events-kind = Kind
events-day = Day
events-day-hint = The day it happened; follow-up surveys count their days from it.
events-workers = Workers concerned (numbers)
events-workers-hint = One number a line, or separated by commas, as on the roster.
events-record = Record the event
events-recorded = Recorded: { $kind } at { $factory } on { $day }, { $count ->
    [one] 1 worker
   *[other] { $count } workers
}.
events-not-recorded = The event was not recorded: see the messages beside the form.
events-refused-workers = The hub refused it: a worker number is not on this factory's roster. Nothing was recorded.
events-list-title = Recorded events
events-none = No event has been recorded.
events-caption = Events at { $factory }
events-count = Workers
events-recorded-at = Recorded
events-follow-ups = Surveys that follow
events-follow-up = { $title } opens on { $day }
