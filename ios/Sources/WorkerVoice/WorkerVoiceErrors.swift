import Foundation

extension WorkerVoiceError {
    /// The stable code, whatever the kind of error (for logic and analytics).
    public var code: ErrorCode {
        switch self {
        case let .Pin(code, _, _, _):
            return code
        case let .Network(code, _), let .Refused(code, _), let .Device(code, _),
             let .Session(code, _), let .Input(code, _), let .Storage(code, _),
             let .Platform(code, _), let .Internal(code, _):
            return code
        }
    }

    /// The message for the worker, already in their language: show it as it is.
    public var localized: String {
        switch self {
        case let .Pin(_, localized, _, _):
            return localized
        case let .Network(_, localized), let .Refused(_, localized), let .Device(_, localized),
             let .Session(_, localized), let .Input(_, localized), let .Storage(_, localized),
             let .Platform(_, localized), let .Internal(_, localized):
            return localized
        }
    }
}

extension WorkerVoiceApp {
    /// Opens the core for an iOS app: the database in
    /// `Application Support/WorkerVoice` (excluded from backups, protected
    /// until the first unlock after boot), the user's preferred languages,
    /// and the `KeychainKeyStore`. Keep the result for the life of the app.
    /// `programmePublicKey` is the programme's Ed25519 key (base64) that the
    /// recipient directory must be signed with. `allowLoopbackHttp` lets the
    /// core talk plain HTTP to a hub on a loopback address only (a demo hub
    /// on the Mac, from the simulator); never set it in a release build.
    public static func openOnIOS(
        defaultHubUrl: String? = nil,
        programmePublicKey: String? = nil,
        keyStore: PlatformKeyStore = KeychainKeyStore(),
        allowLoopbackHttp: Bool = false
    ) throws -> WorkerVoiceApp {
        let fileManager = FileManager.default
        let support = try fileManager.url(
            for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true
        )
        var directory = support.appendingPathComponent("WorkerVoice", isDirectory: true)
        try fileManager.createDirectory(
            at: directory,
            withIntermediateDirectories: true,
            attributes: [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication]
        )
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try directory.setResourceValues(values)

        let options = AppOptions(
            dataDir: directory.path,
            defaultHubUrl: defaultHubUrl,
            languages: Locale.preferredLanguages,
            allowInsecureHttpForTests: allowLoopbackHttp,
            extraRootCertsPem: [],
            requestTimeoutSecs: 0,
            programmePublicKey: programmePublicKey
        )
        return try WorkerVoiceApp.open(options: options, keyStore: keyStore)
    }
}
