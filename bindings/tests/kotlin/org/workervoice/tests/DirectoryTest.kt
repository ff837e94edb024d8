package org.workervoice.tests

import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test
import org.workervoice.model.DeviceMode
import org.workervoice.model.ErrorCode
import org.workervoice.model.GrievanceRoute
import org.workervoice.testing.HANDLER_PASSWORD
import org.workervoice.testing.TestHub
import org.workervoice.testing.WorkerVoiceTest

/** The signed recipient directory from Kotlin: who can read a report, and a directory that breaks the chain. */
class DirectoryTest : WorkerVoiceTest() {
    private val ownHub = TestHub.start()

    @After
    fun stopHub() = ownHub.close()

    /** A personal phone enrolled on [ownHub] in a factory with a committee and a hotline, directory fetched. */
    private fun phone(): org.workervoice.WorkerVoiceApp = runBlocking {
        val (factory, _, _) = grievanceProgramme(ownHub)
        val app = openApp(defaultHubUrl = ownHub.url, programmeKey = ownHub.admin.programmeKey())
        app.enrol(ownHub.admin.issueCodes(factory.id, "personal", 1).single().code, DeviceMode.PERSONAL)
        app.syncNow(true)
        app
    }

    @Test
    fun whoCanReadAReportComesFromTheSignedDirectory() = runBlocking {
        val app = phone()
        val readers = app.routeReaders()
        assertEquals(listOf(GrievanceRoute.FACTORY_COMMITTEE, GrievanceRoute.INDEPENDENT_HOTLINE), readers.map { it.route })
        val committee = readers.first()
        assertTrue(committee.organisation.endsWith("worker committee"), committee.organisation)
        assertEquals(1u, committee.readers)
        assertTrue(committee.singleReader)

        // A second hotline reader counts once the key holder's directory names them.
        ownHub.admin.createHandler("independent_hotline", null, HANDLER_PASSWORD)
        ownHub.admin.publishDirectory()
        app.syncNow(true)
        val hotline = app.routeReaders().single { it.route == GrievanceRoute.INDEPENDENT_HOTLINE }
        assertEquals("Independent hotline", hotline.organisation)
        assertEquals(2u, hotline.readers)
        assertFalse(hotline.singleReader)
    }

    @Test
    fun aDirectoryThatDoesNotExtendTheHeldOneIsRefusedAndTheOldOneKept() = runBlocking {
        val app = phone()
        val before = app.routeReaders()

        // The hub forgets its history and publishes versions 1 and 2 again,
        // with one more hotline reader, signed with the programme's key.
        ownHub.forgetDirectoryHistory()
        ownHub.admin.createHandler("independent_hotline", null, HANDLER_PASSWORD)
        ownHub.admin.publishDirectory()
        ownHub.admin.publishDirectory()

        val report = app.syncNow(true)
        assertTrue(report.directoryRefused, "$report")
        assertEquals(ErrorCode.DIRECTORY_CHAIN_BROKEN, report.directoryRefusal)
        assertEquals(1uL, report.directoryVersion, "the device keeps version 1")
        assertEquals(before, app.routeReaders(), "the readers are still those of the held directory")
    }
}
