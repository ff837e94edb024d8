package org.workervoice.app.desktop

import java.awt.RenderingHints
import java.awt.image.BufferedImage
import java.io.ByteArrayOutputStream
import javax.imageio.IIOImage
import javax.imageio.ImageIO
import javax.imageio.ImageWriteParam

/**
 * A photo made small for a report, on the desktop (ImageIO): decoded,
 * scaled so its longer side is at most the core's bound, and written as a
 * new JPEG from the pixels alone. Nothing of the original file's metadata
 * is carried over (no EXIF: no GPS position, no camera serial, no time).
 */
object PhotoDownscaler {
    /** The JPEG, or null when [bytes] are not a picture ImageIO decodes. */
    fun downscale(bytes: ByteArray, maxLongEdge: Int, jpegQuality: Int): ByteArray? {
        val source = runCatching { ImageIO.read(bytes.inputStream()) }.getOrNull() ?: return null
        val longEdge = maxOf(source.width, source.height)
        val scale = if (longEdge > maxLongEdge) maxLongEdge.toDouble() / longEdge else 1.0
        val width = maxOf(1, Math.round(source.width * scale).toInt())
        val height = maxOf(1, Math.round(source.height * scale).toInt())
        // RGB without alpha: JPEG has none, and a transparent pixel becomes white, not black.
        val scaled = BufferedImage(width, height, BufferedImage.TYPE_INT_RGB)
        val g = scaled.createGraphics()
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC)
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY)
            g.color = java.awt.Color.WHITE
            g.fillRect(0, 0, width, height)
            g.drawImage(source, 0, 0, width, height, null)
        } finally {
            g.dispose()
        }
        val writer = ImageIO.getImageWritersByFormatName("jpeg").asSequence().firstOrNull() ?: return null
        val out = ByteArrayOutputStream()
        try {
            ImageIO.createImageOutputStream(out).use { stream ->
                writer.output = stream
                val param = writer.defaultWriteParam.apply {
                    compressionMode = ImageWriteParam.MODE_EXPLICIT
                    compressionQuality = jpegQuality.coerceIn(1, 100) / 100f
                }
                // No metadata given: the writer makes a bare JFIF header, nothing of the source.
                writer.write(null, IIOImage(scaled, null, null), param)
            }
        } finally {
            writer.dispose()
        }
        return out.toByteArray()
    }
}
