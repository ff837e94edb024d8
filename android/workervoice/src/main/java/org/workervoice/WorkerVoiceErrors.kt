package org.workervoice

import org.workervoice.model.ErrorCode

/**
 * The stable code of any [WorkerVoiceException], for logic and analytics
 * (`when (e.code) { ErrorCode.WRONG_PIN -> ... }`). Every subclass carries
 * one; this reads it without a `when` over the subclasses.
 */
val WorkerVoiceException.code: ErrorCode
    get() = when (this) {
        is WorkerVoiceException.Pin -> code
        is WorkerVoiceException.Network -> code
        is WorkerVoiceException.Refused -> code
        is WorkerVoiceException.Device -> code
        is WorkerVoiceException.Session -> code
        is WorkerVoiceException.Input -> code
        is WorkerVoiceException.Storage -> code
        is WorkerVoiceException.Platform -> code
        is WorkerVoiceException.Internal -> code
    }

/**
 * The message for the worker, already in their language (the logged-in
 * worker's, else the device's): show it as it is.
 */
val WorkerVoiceException.localized: String
    get() = when (this) {
        is WorkerVoiceException.Pin -> localized
        is WorkerVoiceException.Network -> localized
        is WorkerVoiceException.Refused -> localized
        is WorkerVoiceException.Device -> localized
        is WorkerVoiceException.Session -> localized
        is WorkerVoiceException.Input -> localized
        is WorkerVoiceException.Storage -> localized
        is WorkerVoiceException.Platform -> localized
        is WorkerVoiceException.Internal -> localized
    }
