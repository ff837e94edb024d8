import AVFoundation
import SwiftUI
import UIKit

/// The enrolment QR scanner: the camera's picture with a hint and Cancel,
/// answering the first QR code it reads. The shell presents it (see
/// `App/WorkerVoiceApp.swift`) and hands the payload to the enrol screen
/// (`WorkerVoiceRootView(model:scanCode:)`); the core checks it like a typed
/// code. Nothing is recorded or kept: frames go to the metadata output only.
public struct QRScannerSheet: View {
    private let strings: Strings
    private let onCode: (String) -> Void
    private let onCancel: () -> Void
    @State private var unavailable = false

    public init(strings: Strings, onCode: @escaping (String) -> Void, onCancel: @escaping () -> Void) {
        self.strings = strings
        self.onCode = onCode
        self.onCancel = onCancel
    }

    public var body: some View {
        VStack(spacing: 16) {
            Text(strings["enrol-scan"]).font(.title2.weight(.semibold)).accessibilityAddTraits(.isHeader)
            if unavailable {
                Warning(text: strings["enrol-scan-unavailable"])
                Spacer()
            } else {
                Hint(strings["enrol-scan-hint"])
                QRScannerView(onCode: onCode, onUnavailable: { unavailable = true })
                    .clipShape(RoundedRectangle(cornerRadius: 12))
                    .accessibilityLabel(strings["enrol-scan-hint"])
            }
            BigButton(strings["common-cancel"], systemImage: "xmark", outlined: true, action: onCancel)
        }
        .padding()
        .environment(\.strings, strings)
    }
}

/// SwiftUI's view of [QRScannerController].
public struct QRScannerView: UIViewControllerRepresentable {
    let onCode: (String) -> Void
    let onUnavailable: () -> Void

    public init(onCode: @escaping (String) -> Void, onUnavailable: @escaping () -> Void) {
        self.onCode = onCode
        self.onUnavailable = onUnavailable
    }

    public func makeUIViewController(context: Context) -> QRScannerController {
        QRScannerController(onCode: onCode, onUnavailable: onUnavailable)
    }

    public func updateUIViewController(_ controller: QRScannerController, context: Context) {}
}

/// An `AVCaptureSession` from the back camera to an
/// `AVCaptureMetadataOutput` for QR codes, with its preview layer. It asks
/// for the camera the first time; refused, absent or failing, it says so
/// through `onUnavailable` (the code can still be typed). It answers once.
public final class QRScannerController: UIViewController, AVCaptureMetadataOutputObjectsDelegate {
    private let session = AVCaptureSession()
    /// Starting and stopping a session blocks: never on the main thread.
    private let sessionQueue = DispatchQueue(label: "org.workervoice.qr-scanner")
    private var preview: AVCaptureVideoPreviewLayer?
    private var onCode: ((String) -> Void)?
    private let onUnavailable: () -> Void

    init(onCode: @escaping (String) -> Void, onUnavailable: @escaping () -> Void) {
        self.onCode = onCode
        self.onUnavailable = onUnavailable
        super.init(nibName: nil, bundle: nil)
    }

    @available(*, unavailable)
    required init?(coder: NSCoder) { nil }

    override public func viewDidLoad() {
        super.viewDidLoad()
        view.backgroundColor = .black
        switch AVCaptureDevice.authorizationStatus(for: .video) {
        case .authorized:
            configure()
        case .notDetermined:
            AVCaptureDevice.requestAccess(for: .video) { granted in
                DispatchQueue.main.async { granted ? self.configure() : self.onUnavailable() }
            }
        default:
            onUnavailable()
        }
    }

    private func configure() {
        guard let camera = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back),
              let input = try? AVCaptureDeviceInput(device: camera),
              session.canAddInput(input) else {
            onUnavailable()
            return
        }
        session.beginConfiguration()
        session.addInput(input)
        let output = AVCaptureMetadataOutput()
        guard session.canAddOutput(output) else {
            session.commitConfiguration()
            onUnavailable()
            return
        }
        session.addOutput(output)
        output.setMetadataObjectsDelegate(self, queue: .main)
        // Set after the output joins the session: only then are QR codes among its types.
        output.metadataObjectTypes = output.availableMetadataObjectTypes.contains(.qr) ? [.qr] : []
        session.commitConfiguration()

        let layer = AVCaptureVideoPreviewLayer(session: session)
        layer.videoGravity = .resizeAspectFill
        layer.frame = view.bounds
        view.layer.addSublayer(layer)
        preview = layer
        let session = self.session
        sessionQueue.async { session.startRunning() }
    }

    override public func viewDidLayoutSubviews() {
        super.viewDidLayoutSubviews()
        preview?.frame = view.bounds
    }

    override public func viewWillDisappear(_ animated: Bool) {
        super.viewWillDisappear(animated)
        let session = self.session
        sessionQueue.async { session.stopRunning() }
    }

    public func metadataOutput(_ output: AVCaptureMetadataOutput, didOutput metadataObjects: [AVMetadataObject],
                               from connection: AVCaptureConnection) {
        guard let code = metadataObjects.compactMap({ $0 as? AVMetadataMachineReadableCodeObject }).first?.stringValue,
              let answer = onCode else { return }
        onCode = nil
        let session = self.session
        sessionQueue.async { session.stopRunning() }
        answer(code)
    }
}
