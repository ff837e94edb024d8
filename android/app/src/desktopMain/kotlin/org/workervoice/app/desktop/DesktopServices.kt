package org.workervoice.app.desktop

import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.toComposeImageBitmap
import java.awt.FileDialog
import java.awt.Frame
import java.io.File
import java.nio.file.Files
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.workervoice.app.AttachmentKind
import org.workervoice.app.PickedFile
import org.workervoice.app.PlatformServices

/**
 * The desktop runner's platform: pictures decoded by Skia, attachments
 * picked with the system's file dialog (or, in tests and scripts, taken
 * from [pickFrom] without a dialog). No text-to-speech or audio player on
 * the desktop: those calls report that they did nothing.
 */
class DesktopServices(private val pickFrom: (AttachmentKind) -> File? = ::chooseFile) : PlatformServices {
    override fun image(path: String): ImageBitmap? = runCatching {
        org.jetbrains.skia.Image.makeFromEncoded(File(path).readBytes()).toComposeImageBitmap()
    }.getOrNull()

    override suspend fun pickAttachment(kind: AttachmentKind): PickedFile? = withContext(Dispatchers.IO) {
        val file = pickFrom(kind) ?: return@withContext null
        val mime = Files.probeContentType(file.toPath()) ?: if (kind == AttachmentKind.PHOTO) "image/jpeg" else "audio/ogg"
        PickedFile(file.name, mime, file.readBytes())
    }
}

/** The system's file dialog (blocking; called off the UI thread). */
private fun chooseFile(kind: AttachmentKind): File? {
    val dialog = FileDialog(null as Frame?, kind.name.lowercase(), FileDialog.LOAD)
    dialog.isVisible = true
    val name = dialog.file ?: return null
    return File(dialog.directory, name)
}
