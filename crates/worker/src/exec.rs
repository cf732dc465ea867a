//! The worker's own executor for its tasks, in place of `wasm_bindgen_futures::spawn_local`.
//!
//! Built with atomics (the threaded worker), wasm-bindgen-futures wakes a task by
//! `memory.atomic.notify` on a word of shared memory that the task's `Atomics.waitAsync` promise
//! waits on (js-sys 0.3.107, `futures/task/multithread.rs`), because a waker may be called from
//! any thread. In WebKitGTK 2.50's threaded worker such a task stopped for good now and then (3
//! runs of lesson 5 in 134, docs/browsers.md): its training never went on, while the rest of the
//! worker (its heartbeat, `Event::Alive`) did, so every thread slept and the page waited for ever.
//!
//! Here a wake queues the task's next poll as a microtask of the worker's own thread
//! (`queueMicrotask`), as the one-thread build of wasm-bindgen-futures does, with no shared
//! memory in between. That holds because this worker's futures are woken on its own thread only:
//! by promise callbacks (timers, `MessageChannel`, WebGPU's read-backs). The CPU backend's rayon
//! threads compute synchronously inside a poll and never hold a waker. A wake from another
//! thread would find no task there and be lost, not unsound.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// A spawned future and whether a poll of it is queued.
struct Task {
    future: RefCell<Option<Pin<Box<dyn Future<Output = ()>>>>>,
    queued: Cell<bool>,
}

thread_local! {
    /// This thread's unfinished tasks, by id.
    static TASKS: RefCell<HashMap<u64, Rc<Task>>> = RefCell::new(HashMap::new());
    static NEXT_ID: Cell<u64> = const { Cell::new(0) };
    /// The global `queueMicrotask` (in every worker since 2020), else `setTimeout`.
    static QUEUE: Option<js_sys::Function> = ["queueMicrotask", "setTimeout"]
        .into_iter()
        .find_map(|name| js_sys::Reflect::get(&js_sys::global(), &name.into()).ok().and_then(|f| f.dyn_into().ok()));
}

/// The waker of task `0`: its wake queues a poll of the task.
struct TaskWaker(u64);

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        schedule(self.0);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        schedule(self.0);
    }
}

/// Run `future` on this thread: its first poll is queued as a microtask, and each wake queues
/// the next, until it is ready.
pub fn spawn_local(future: impl Future<Output = ()> + 'static) {
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    let task = Rc::new(Task { future: RefCell::new(Some(Box::pin(future))), queued: Cell::new(false) });
    TASKS.with(|t| t.borrow_mut().insert(id, task));
    schedule(id);
}

/// Queue a poll of task `id` unless one is queued (or the task is finished, or of another
/// thread).
fn schedule(id: u64) {
    let Some(task) = TASKS.try_with(|t| t.borrow().get(&id).cloned()).ok().flatten() else { return };
    if task.queued.replace(true) {
        return;
    }
    let poll = Closure::once_into_js(move || poll(id));
    QUEUE.with(|q| {
        if let Some(q) = q {
            let _ = q.call1(&JsValue::UNDEFINED, &poll);
        }
    });
}

/// Poll task `id` once; forget it when it is ready.
fn poll(id: u64) {
    let Some(task) = TASKS.with(|t| t.borrow().get(&id).cloned()) else { return };
    task.queued.set(false);
    let waker = Waker::from(Arc::new(TaskWaker(id)));
    let mut cx = Context::from_waker(&waker);
    // A task never polls itself, so the future is never borrowed twice.
    let ready = match task.future.borrow_mut().as_mut() {
        Some(future) => future.as_mut().poll(&mut cx).is_ready(),
        None => true,
    };
    if ready {
        task.future.borrow_mut().take();
        TASKS.with(|t| t.borrow_mut().remove(&id));
    }
}
