import Foundation

extension WorkerVoiceApp {
    /// The core's events (enrolled, session started/ended) as an `AsyncStream`.
    ///
    /// Creating the stream installs a `WorkerVoiceListener`; ending it (the
    /// consuming task is cancelled, or the loop breaks) removes it. The core
    /// has one listener slot, so keep one stream per app at a time: a second
    /// one replaces the first. Events arrive on a core thread; the stream
    /// hands them to whichever task iterates it (hop to the main actor to
    /// update the UI).
    ///
    /// ```swift
    /// Task { @MainActor in
    ///     for await event in app.events() {
    ///         if case .sessionEnded = event { showLockScreen() }
    ///     }
    /// }
    /// ```
    public func events(
        bufferingPolicy: AsyncStream<Event>.Continuation.BufferingPolicy = .unbounded
    ) -> AsyncStream<Event> {
        AsyncStream(bufferingPolicy: bufferingPolicy) { continuation in
            let listener = EventStreamListener(continuation: continuation)
            self.setListener(listener: listener)
            continuation.onTermination = { [weak self] _ in
                self?.setListener(listener: nil)
            }
        }
    }
}

/// Forwards each core event into an `AsyncStream`.
private final class EventStreamListener: WorkerVoiceListener {
    private let continuation: AsyncStream<Event>.Continuation

    init(continuation: AsyncStream<Event>.Continuation) {
        self.continuation = continuation
    }

    func onEvent(event: Event) {
        continuation.yield(event)
    }
}
