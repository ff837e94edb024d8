//! The one async runtime the core owns.
//!
//! Network operations run here, whatever executor the caller uses (Kotlin
//! coroutines, Swift tasks, a CLI's `block_on`): the caller awaits a handle.
//! Dropping that handle — a cancelled coroutine or task — aborts the work.
//! Also the one way the core takes its blocking locks ([`lock`]).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::task::JoinHandle;

use crate::error::{Error, ErrorCode};

/// Locks `mutex`, going on after a panic elsewhere: every write is a
/// transaction, so what a panicking holder left is what was there before
/// (keep going rather than poison the app). One function for the whole
/// core, so each guarded type is compiled once.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Owns a small multi-threaded tokio runtime.
pub struct CoreRuntime {
    runtime: Option<tokio::runtime::Runtime>,
}

impl CoreRuntime {
    /// Starts the runtime (two worker threads: network I/O is light; PIN
    /// stretching runs on the blocking pool).
    pub fn new() -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("workervoice-core")
            .enable_all()
            .build()
            .map_err(|_| ErrorCode::Internal)?;
        Ok(Self { runtime: Some(runtime) })
    }

    /// Runs `future` on the core runtime; the returned future resolves to its
    /// output and aborts it when dropped.
    pub fn spawn<T, F>(&self, future: F) -> Cancellable<T>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, Error>> + Send + 'static,
    {
        let handle = self.runtime.as_ref().map(|runtime| runtime.spawn(future));
        Cancellable { handle }
    }
}

impl Drop for CoreRuntime {
    fn drop(&mut self) {
        // May be dropped from inside another async context (tests, shells):
        // a blocking shutdown would panic there.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A spawned operation; dropping it cancels the operation.
pub struct Cancellable<T> {
    handle: Option<JoinHandle<Result<T, Error>>>,
}

impl<T> Cancellable<T> {
    /// Lets the operation run on by itself (it ends with the runtime).
    pub fn detach(mut self) {
        self.handle = None;
    }
}

impl<T> Future for Cancellable<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some(handle) = self.handle.as_mut() else {
            return Poll::Ready(Err(ErrorCode::Internal.into()));
        };
        match Pin::new(handle).poll(cx) {
            Poll::Ready(result) => {
                self.handle = None;
                // A panic inside the operation is reported as an internal error.
                Poll::Ready(result.unwrap_or_else(|_| Err(ErrorCode::Internal.into())))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Drop for Cancellable<T> {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[test]
    fn dropping_the_handle_cancels_the_operation() {
        let runtime = CoreRuntime::new().unwrap();
        let finished = Arc::new(AtomicBool::new(false));
        let flag = finished.clone();
        let operation = runtime.spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            flag.store(true, Ordering::SeqCst);
            Ok(())
        });
        drop(operation);
        std::thread::sleep(Duration::from_millis(600));
        assert!(!finished.load(Ordering::SeqCst));
    }

    #[test]
    fn results_arrive_on_any_executor() {
        let runtime = CoreRuntime::new().unwrap();
        let value =
            tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(runtime.spawn(async { Ok(42) }));
        assert_eq!(value, Ok(42));
    }
}
