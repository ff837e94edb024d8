import Foundation
import Security

/// The core's `PlatformKeyStore` on iOS: secrets in the Keychain.
///
/// Each secret the core asks for is 32 random bytes from `SecRandomCopyBytes`,
/// kept as a generic-password item under `service` with the alias as the
/// account. Items are `kSecAttrAccessibleWhenUnlockedThisDeviceOnly`: they
/// never leave the device (no iCloud Keychain, no backup, not restored onto
/// another phone) and can be read only while the device is unlocked.
///
/// What this protects: a copy of the app's files (a backup, a forensic
/// image of a locked phone) holds no usable key. What it does not: code
/// running as this app on an unlocked device can read the secrets, as the
/// core does.
///
/// While the device is locked, reads fail with `.Unavailable`, which the core
/// reports as `KEY_STORE_UNAVAILABLE`; retry when the app is active again.
public final class KeychainKeyStore: PlatformKeyStore, @unchecked Sendable {
    /// The Keychain service the items are stored under by default.
    public static let defaultService = "org.workervoice.secrets"

    private static let secretBytes = 32

    private let service: String
    private let accessGroup: String?
    // Replacing an item is a delete and an add: serialize them.
    private let lock = NSLock()

    /// - Parameters:
    ///   - service: the Keychain service name for the items.
    ///   - accessGroup: a Keychain access group, to share the secrets with an
    ///     app extension; `nil` for the app's own group.
    public init(service: String = KeychainKeyStore.defaultService, accessGroup: String? = nil) {
        self.service = service
        self.accessGroup = accessGroup
    }

    public func createSecret(alias: String) throws -> Data {
        var bytes = [UInt8](repeating: 0, count: Self.secretBytes)
        let random = SecRandomCopyBytes(kSecRandomDefault, bytes.count, &bytes)
        guard random == errSecSuccess else {
            throw Self.failure("create: random", random)
        }
        let secret = Data(bytes)
        for index in bytes.indices {
            bytes[index] = 0
        }

        var attributes = baseQuery(alias: alias)
        attributes[kSecValueData as String] = secret
        attributes[kSecAttrAccessible as String] = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
        attributes[kSecAttrSynchronizable as String] = kCFBooleanFalse

        lock.lock()
        defer { lock.unlock() }
        let deleted = SecItemDelete(baseQuery(alias: alias) as CFDictionary)
        guard deleted == errSecSuccess || deleted == errSecItemNotFound else {
            throw Self.failure("create: replace", deleted)
        }
        let added = SecItemAdd(attributes as CFDictionary, nil)
        guard added == errSecSuccess else {
            throw Self.failure("create: add", added)
        }
        return secret
    }

    public func loadSecret(alias: String) throws -> Data? {
        var query = baseQuery(alias: alias)
        query[kSecReturnData as String] = kCFBooleanTrue
        query[kSecMatchLimit as String] = kSecMatchLimitOne

        lock.lock()
        defer { lock.unlock() }
        var result: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        switch status {
        case errSecSuccess:
            guard let data = result as? Data else {
                throw PlatformKeyStoreError.Failed(reason: "load: the Keychain returned no data")
            }
            return data
        case errSecItemNotFound:
            return nil
        default:
            throw Self.failure("load", status)
        }
    }

    public func deleteSecret(alias: String) throws {
        lock.lock()
        defer { lock.unlock() }
        let status = SecItemDelete(baseQuery(alias: alias) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw Self.failure("delete", status)
        }
    }

    private func baseQuery(alias: String) -> [String: Any] {
        var query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: alias,
        ]
        if let accessGroup = accessGroup {
            query[kSecAttrAccessGroup as String] = accessGroup
        }
        return query
    }

    /// A typed error for the core; the reason is for logs and names no secret.
    private static func failure(_ operation: String, _ status: OSStatus) -> PlatformKeyStoreError {
        let description = (SecCopyErrorMessageString(status, nil) as String?) ?? "OSStatus \(status)"
        switch status {
        case errSecInteractionNotAllowed, errSecNotAvailable:
            // Locked device (or no Keychain yet after boot): retry later.
            return .Unavailable(reason: "\(operation): \(description)")
        default:
            return .Failed(reason: "\(operation): \(description)")
        }
    }
}
