import Foundation
import WorkerVoice

/// Runs a blocking core call (local database, sealing) on a background
/// thread and returns its result to the caller's actor: no blocking call
/// of the core ever runs on the main actor. The core's `async` calls
/// (network) need no wrapper: they run on the core's own threads.
func offMain<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await Task.detached(priority: .userInitiated) { try work() }.value
}

/// `offMain` for calls that cannot fail (a separate name: an overload would
/// leave the choice between throwing and not to the type checker).
func offMainNoThrow<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await Task.detached(priority: .userInitiated) { work() }.value
}

/// The message to show for a failed call: the core's own, already in the
/// worker's language, or `common-retry` for anything else (a cancelled
/// task gives nil: nothing to show).
func failureMessage(_ error: Error, _ strings: Strings) -> String? {
    if let failure = error as? WorkerVoiceError { return failure.localized }
    if error is CancellationError { return nil }
    return strings["common-retry"]
}
