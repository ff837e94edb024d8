// Worker Voice for Android, the library (:workervoice) and the worker app (:app):
// open this directory (android/) in Android Studio.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "workervoice-android"
include(":workervoice")
include(":app")
