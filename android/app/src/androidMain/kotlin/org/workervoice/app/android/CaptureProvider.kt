package org.workervoice.app.android

import android.content.ContentProvider
import android.content.ContentValues
import android.content.Context
import android.database.Cursor
import android.net.Uri
import android.os.ParcelFileDescriptor
import java.io.File
import java.io.FileNotFoundException

/**
 * Where the system camera writes a photo the worker takes for a report: one
 * file at a time in the app's private, never-backed-up storage
 * (`noBackupFilesDir/captures`), reached by the camera only through a
 * `content://` address this app grants it for the one capture. The app
 * makes no MediaStore (gallery) entry; the file is deleted once read.
 * Not exported: no other app can open it without that grant.
 */
class CaptureProvider : ContentProvider() {
    override fun onCreate(): Boolean = true

    override fun openFile(uri: Uri, mode: String): ParcelFileDescriptor {
        val context = context ?: throw FileNotFoundException("no context")
        val name = uri.lastPathSegment ?: throw FileNotFoundException("no file")
        val folder = folder(context)
        val file = File(folder, name)
        // Only a plain name inside the folder: nothing else of the app's files is reachable.
        if (file.parentFile?.canonicalPath != folder.canonicalPath || !name.startsWith(PREFIX)) throw FileNotFoundException(name)
        return ParcelFileDescriptor.open(file, ParcelFileDescriptor.parseMode(mode))
    }

    override fun getType(uri: Uri): String = "image/jpeg"

    override fun query(uri: Uri, projection: Array<out String>?, selection: String?, selectionArgs: Array<out String>?, sortOrder: String?): Cursor? = null

    override fun insert(uri: Uri, values: ContentValues?): Uri? = null

    override fun delete(uri: Uri, selection: String?, selectionArgs: Array<out String>?): Int = 0

    override fun update(uri: Uri, values: ContentValues?, selection: String?, selectionArgs: Array<out String>?): Int = 0

    companion object {
        private const val PREFIX = "capture-"

        private fun folder(context: Context): File = File(context.noBackupFilesDir, "captures").apply { mkdirs() }

        /** A new empty file for one capture (earlier leftovers, e.g. after a crash, are removed first). */
        fun newCapture(context: Context): File {
            folder(context).listFiles()?.forEach { it.delete() }
            return File.createTempFile(PREFIX, ".jpg", folder(context))
        }

        /** The address the camera writes [file] through. */
        fun uriOf(context: Context, file: File): Uri = Uri.parse("content://${context.packageName}.captures/${file.name}")
    }
}
