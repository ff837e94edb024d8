# E-mail notifications to readers (ADR 0023). They name no case, category,
# factory or report: only how many cases wait, on which route, and where to
# sign in.
notification-subject = Worker Voice: cases are waiting for you
notification-intro = Cases are waiting for you on the { $route } route:
notification-new = { $count ->
    [one] 1 new case
   *[other] { $count } new cases
}
notification-answered = { $count ->
    [one] 1 case in which the worker wrote again
   *[other] { $count } cases in which the worker wrote again
}
notification-overdue = { $count ->
    [one] 1 case past a deadline
   *[other] { $count } cases past a deadline
}
notification-sign-in = Sign in to read them: { $url }
notification-why = This message says nothing about any case, on purpose. You receive it because you asked for e-mail notifications in the console; you can turn them off on its Notifications page.
notification-route-factory-committee = factory committee
notification-route-independent-hotline = independent hotline
notification-route-brand = brand
