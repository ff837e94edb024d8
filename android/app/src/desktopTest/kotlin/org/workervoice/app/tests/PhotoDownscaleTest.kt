package org.workervoice.app.tests

import java.awt.image.BufferedImage
import java.io.ByteArrayOutputStream
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.util.Random
import javax.imageio.IIOImage
import javax.imageio.ImageIO
import javax.imageio.ImageWriteParam
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.Test
import org.workervoice.app.desktop.PhotoDownscaler

/**
 * The desktop's photo path (ImageIO) as the report uses it, with the
 * bindings' bounds ([LONG_EDGE], [QUALITY] as `capturePolicy()` gives
 * them): a camera-sized photo carrying an EXIF GPS position comes out
 * smaller, within the bound, and with no EXIF at all.
 */
class PhotoDownscaleTest {
    @Test
    fun aLargePhotoWithAGpsPositionComesOutSmallerWithinTheBoundAndWithoutExif() {
        val original = withExifGps(jpeg(4000, 3000, quality = 0.95f))
        assertTrue(APP1 in markers(original), "the test photo carries EXIF")
        assertTrue(original.containsAscii("GPS-MARKER-48.8584N"), "the test photo carries its GPS note")

        val small = PhotoDownscaler.downscale(original, LONG_EDGE, QUALITY) ?: throw AssertionError("not decoded")
        val image = ImageIO.read(small.inputStream())
        assertEquals(LONG_EDGE, maxOf(image.width, image.height), "scaled to the bound")
        assertEquals(4.0 / 3.0, image.width.toDouble() / image.height, 0.01)
        assertTrue(small.size < original.size / 4, "smaller: ${small.size} bytes from ${original.size}")
        println("  4000×3000 JPEG with EXIF GPS, ${original.size} bytes → ${image.width}×${image.height}, ${small.size} bytes, no EXIF")
        assertTrue(APP1 !in markers(small), "no EXIF (APP1) segment left: ${markers(small)}")
        assertTrue(!small.containsAscii("Exif") && !small.containsAscii("GPS-MARKER"), "nothing of the EXIF block is copied")
    }

    @Test
    fun aSmallPhotoKeepsItsSizeButIsStillReEncodedWithoutMetadata() {
        val png = ByteArrayOutputStream().also { ImageIO.write(BufferedImage(16, 12, BufferedImage.TYPE_INT_ARGB), "png", it) }.toByteArray()
        val small = PhotoDownscaler.downscale(png, LONG_EDGE, QUALITY) ?: throw AssertionError("not decoded")
        val image = ImageIO.read(small.inputStream())
        assertEquals(16 to 12, image.width to image.height)
        assertEquals(listOf(0xFF.toByte(), 0xD8.toByte()), small.take(2), "a JPEG")
    }

    @Test
    fun bytesThatAreNoPictureAreNotPassedOnAsAPhoto() {
        assertNull(PhotoDownscaler.downscale("not a picture".toByteArray(), LONG_EDGE, QUALITY))
    }

    /** A noisy photo-like JPEG (noise compresses as badly as a real photo). */
    private fun jpeg(width: Int, height: Int, quality: Float): ByteArray {
        val image = BufferedImage(width, height, BufferedImage.TYPE_INT_RGB)
        val random = Random(7)
        for (y in 0 until height) for (x in 0 until width) {
            val base = ((x / 40 + y / 40) % 2) * 120
            image.setRGB(x, y, ((base + random.nextInt(60)) shl 16) or ((80 + random.nextInt(60)) shl 8) or random.nextInt(100))
        }
        val writer = ImageIO.getImageWritersByFormatName("jpeg").next()
        val out = ByteArrayOutputStream()
        ImageIO.createImageOutputStream(out).use { stream ->
            writer.output = stream
            val param = writer.defaultWriteParam.apply {
                compressionMode = ImageWriteParam.MODE_EXPLICIT
                compressionQuality = quality
            }
            writer.write(null, IIOImage(image, null, null), param)
        }
        writer.dispose()
        return out.toByteArray()
    }

    /**
     * [jpeg] with an EXIF APP1 segment after SOI, as a phone's camera
     * writes it: IFD0 pointing at a GPS IFD with latitude reference and
     * latitude, and an ImageDescription naming the position.
     */
    private fun withExifGps(jpeg: ByteArray): ByteArray {
        val note = "GPS-MARKER-48.8584N\u0000".toByteArray(Charsets.US_ASCII)
        val tiff = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN)
        tiff.put("II".toByteArray()).putShort(42).putInt(8)
        // IFD0 at 8: two entries (ImageDescription, GPSInfo), then no next IFD.
        val ifd0Size = 2 + 2 * 12 + 4
        val gpsAt = 8 + ifd0Size
        val gpsSize = 2 + 2 * 12 + 4
        val rationalsAt = gpsAt + gpsSize
        val noteAt = rationalsAt + 24
        tiff.putShort(2)
        tiff.putShort(0x010E).putShort(2).putInt(note.size).putInt(noteAt)
        tiff.putShort(0x8825.toShort()).putShort(4).putInt(1).putInt(gpsAt)
        tiff.putInt(0)
        // GPS IFD: LatitudeRef "N", Latitude 48/1 51/1 3024/100.
        tiff.putShort(2)
        tiff.putShort(1).putShort(2).putInt(2).put("N\u0000\u0000\u0000".toByteArray())
        tiff.putShort(2).putShort(5).putInt(3).putInt(rationalsAt)
        tiff.putInt(0)
        tiff.putInt(48).putInt(1).putInt(51).putInt(1).putInt(3024).putInt(100)
        tiff.put(note)
        val body = "Exif\u0000\u0000".toByteArray() + tiff.array().copyOf(tiff.position())
        val length = body.size + 2
        val segment = byteArrayOf(0xFF.toByte(), 0xE1.toByte(), (length shr 8).toByte(), length.toByte()) + body
        return jpeg.copyOfRange(0, 2) + segment + jpeg.copyOfRange(2, jpeg.size)
    }

    /** The markers of a JPEG's segments before its image data. */
    private fun markers(jpeg: ByteArray): List<Int> {
        val found = mutableListOf<Int>()
        var at = 2
        while (at + 4 <= jpeg.size && jpeg[at] == 0xFF.toByte()) {
            val marker = jpeg[at + 1].toInt() and 0xFF
            found += marker
            if (marker == SOS) break
            at += 2 + (((jpeg[at + 2].toInt() and 0xFF) shl 8) or (jpeg[at + 3].toInt() and 0xFF))
        }
        return found
    }

    private fun ByteArray.containsAscii(text: String): Boolean = String(this, Charsets.ISO_8859_1).contains(text)

    private companion object {
        /** The bindings' `capturePolicy()` bounds (checked against the library in the Kotlin tests). */
        const val LONG_EDGE = 1600
        const val QUALITY = 80
        const val APP1 = 0xE1
        const val SOS = 0xDA
    }
}
