package org.workervoice

import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import org.workervoice.model.Event

/**
 * The core's events as a cold [Flow], for code that uses [WorkerVoiceApp]
 * directly (the [WorkerVoice] owner has a shared `events` flow instead).
 *
 * Collecting installs a [WorkerVoiceListener], and stopping removes it.
 * The core has a single listener slot, so collect this flow once at a time
 * per app (a second collector replaces the first). Events are buffered
 * without limit: they are few, and the core must never wait for the UI.
 */
fun WorkerVoiceApp.events(): Flow<Event> = callbackFlow {
    val listener = object : WorkerVoiceListener {
        override fun onEvent(event: Event) {
            trySend(event)
        }
    }
    setListener(listener)
    awaitClose {
        // The app may have been destroyed before the collector went away.
        try {
            setListener(null)
        } catch (destroyed: IllegalStateException) {
            // Nothing to remove.
        }
    }
}.buffer(Channel.UNLIMITED)
