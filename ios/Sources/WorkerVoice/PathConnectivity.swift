import Foundation
import Network

/// The core's `ConnectivityMonitor` on iOS, over `NWPathMonitor`.
///
/// The core asks from its own threads and must get an answer at once, so the
/// last path the system reported is kept behind a lock instead of being
/// queried per call. "Online" means a satisfied path; "metered" is
/// `isExpensive` (cellular, or a personal hotspot) or `isConstrained`
/// (Low Data Mode), which is what a worker on prepaid data cares about.
///
/// Call `start()` when the app starts and `stop()` when it ends; pass the
/// monitor to `WorkerVoiceApp.setConnectivity(monitor:)`.
public final class PathConnectivity: ConnectivityMonitor {
    private let monitor = NWPathMonitor()
    private let queue = DispatchQueue(label: "org.workervoice.connectivity")
    private let lock = NSLock()
    private var online = false
    private var metered = true

    public init() {}

    public func start() {
        monitor.pathUpdateHandler = { [weak self] path in
            guard let self else { return }
            self.lock.lock()
            self.online = path.status == .satisfied
            self.metered = path.isExpensive || path.isConstrained
            self.lock.unlock()
        }
        monitor.start(queue: queue)
    }

    public func stop() {
        monitor.cancel()
    }

    public func isOnline() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return online
    }

    public func isMetered() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return metered
    }
}
