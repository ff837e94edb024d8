package org.workervoice.app.enrol

import com.google.zxing.BarcodeFormat
import com.google.zxing.BinaryBitmap
import com.google.zxing.DecodeHintType
import com.google.zxing.ReaderException
import com.google.zxing.RGBLuminanceSource
import com.google.zxing.common.HybridBinarizer
import com.google.zxing.qrcode.QRCodeReader

/**
 * Reads the enrolment QR code in a picture, with ZXing's core (Maven
 * Central, plain Java: the same decoder on Android and the desktop). The
 * platform hands over the picture's pixels; what the code says goes to the
 * core like a typed code, which checks it.
 */
object QrReader {
    private val hints = mapOf(
        DecodeHintType.POSSIBLE_FORMATS to listOf(BarcodeFormat.QR_CODE),
        // A photo taken by hand: slower, but finds a small or tilted code.
        DecodeHintType.TRY_HARDER to true,
    )

    /** The text of the QR code in the [width]×[height] picture [argb] (one ARGB int per pixel), or null when none is read. */
    fun decode(width: Int, height: Int, argb: IntArray): String? {
        if (width <= 0 || height <= 0 || argb.size < width * height) return null
        val bitmap = BinaryBitmap(HybridBinarizer(RGBLuminanceSource(width, height, argb)))
        return try {
            QRCodeReader().decode(bitmap, hints).text?.takeIf { it.isNotBlank() }
        } catch (_: ReaderException) {
            // Not found, a damaged code or a failed checksum: the same answer to the worker.
            null
        }
    }
}

/** What the platform's QR scanner answers. */
sealed interface QrScan {
    /** A code was read: its text. */
    data class Read(val payload: String) : QrScan

    /** A picture was taken but held no code this reader could read. */
    data object NotFound : QrScan

    /** The worker cancelled, or the camera could not be used. */
    data object Cancelled : QrScan
}
