package org.workervoice.app.android

import android.content.res.AssetManager
import java.io.FileNotFoundException
import org.workervoice.app.ShippedStrings

/**
 * The app's translations from the APK's assets (`assets/strings/<tag>.ftl`,
 * copied from `core/src/app_strings` by the Gradle build). English is built
 * into the library and is not among them.
 */
class AssetStrings(private val assets: AssetManager) : ShippedStrings {
    override fun source(language: String): String? = try {
        assets.open("strings/$language.ftl").use { it.readBytes().toString(Charsets.UTF_8) }
    } catch (e: FileNotFoundException) {
        null
    }
}
