// The worker app for Android: the shared Compose screens (src/commonMain, also
// built and tested on the desktop JVM by scripts/test-app) hosted by the
// Android shell (src/androidMain: Activity, manifest, kiosk).
//
//   ./gradlew :app:assembleDebug \
//       -Pworkervoice.hubUrl=https://hub.example.org \
//       -Pworkervoice.programmeKey=<programme public key, base64>
//
// The native library comes with :workervoice (build it first with
// android/scripts/build-jnilibs.sh). android/app/pom.xml is not part of this
// build: it only lists the desktop jars for scripts/test-app.
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
    id("org.jetbrains.kotlin.plugin.compose")
}

android {
    namespace = "org.workervoice.app"
    compileSdk = 35

    defaultConfig {
        applicationId = "org.workervoice.app"
        minSdk = 24
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // Pinned in the APK: the hub (enrolment QR codes carry their own) and
        // the programme key the recipient directory must be signed with.
        manifestPlaceholders["hubUrl"] = (findProperty("workervoice.hubUrl") as String?).orEmpty()
        manifestPlaceholders["programmeKey"] = (findProperty("workervoice.programmeKey") as String?).orEmpty()
    }

    sourceSets {
        getByName("main") {
            manifest.srcFile("src/androidMain/AndroidManifest.xml")
            java.srcDirs("src/commonMain/kotlin", "src/androidMain/kotlin")
            res.srcDirs("src/androidMain/res")
            assets.srcDirs(layout.buildDirectory.dir("generated/app-strings"))
        }
    }

    buildFeatures {
        compose = true
    }

    buildTypes {
        getByName("release") {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"))
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

// The translations ship as assets, from the one source both platforms share
// (ADR 0011); English is built into the library.
val copyAppStrings by tasks.registering(Copy::class) {
    from(rootProject.file("../core/src/app_strings")) {
        include("*.ftl")
        exclude("en.ftl")
    }
    into(layout.buildDirectory.dir("generated/app-strings/strings"))
}
tasks.named("preBuild") { dependsOn(copyAppStrings) }

dependencies {
    implementation(project(":workervoice"))
    // Compose 1.7 — the same API as Compose Multiplatform 1.7.3 that the
    // desktop build and the UI tests use.
    implementation(platform("androidx.compose:compose-bom:2024.12.01"))
    implementation("androidx.compose.ui:ui")
    implementation("androidx.compose.foundation:foundation")
    implementation("androidx.compose.material3:material3")
    implementation("androidx.compose.material:material-icons-core")
    implementation("androidx.activity:activity-compose:1.9.3")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.8.1")
    // The enrolment QR decoder (Maven Central; the desktop build uses the same, android/app/pom.xml).
    implementation("com.google.zxing:core:3.5.3")
}
