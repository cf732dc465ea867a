//! Saved work in the browser's IndexedDB (issue 13): lesson 13's data set and runs (settings,
//! history, metrics and weights) come back after a reload or a crash.
//!
//! One database (`dnaplay`), one object store (`work`), string keys. Values are strings (JSON)
//! or bytes (`Uint8Array`, the weights). Every call is asynchronous and returns the browser's
//! reason on failure, e.g. a `QuotaExceededError` when the storage is full, so the page can say
//! what was not saved.

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

const DB: &str = "dnaplay";
const STORE: &str = "work";

/// Why saved work could not be stored or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The page has no `window` (not in a browser tab).
    #[error("no window")]
    NoWindow,
    /// The browser offers no IndexedDB (some private modes).
    #[error("this browser has no IndexedDB (private mode?)")]
    NoIndexedDb,
    /// The browser refused a request: its exception's name and message, e.g.
    /// "QuotaExceededError: …" when the storage is full.
    #[error("{0}")]
    Browser(String),
}

impl StoreError {
    /// The browser's reason in `e` (a `DOMException`'s name and message where it is one).
    fn of(e: JsValue) -> StoreError {
        if let Some(d) = e.dyn_ref::<web_sys::DomException>() {
            return StoreError::Browser(format!("{}: {}", d.name(), d.message()));
        }
        StoreError::Browser(e.as_string().unwrap_or_else(|| format!("{e:?}")))
    }
}

/// A promise that settles with `req`'s result or error.
fn settled(req: &IdbRequest) -> Promise {
    Promise::new(&mut |resolve, reject| {
        let (r1, r2) = (req.clone(), req.clone());
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &r1.result().unwrap_or(JsValue::UNDEFINED));
        });
        let err = Closure::once_into_js(move |_: web_sys::Event| {
            let e = r2.error().ok().flatten().map(JsValue::from).unwrap_or_else(|| "the request failed".into());
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(err.unchecked_ref()));
    })
}

/// A promise that settles when `tx` commits, or with its error when it aborts (a full quota).
fn committed(tx: &IdbTransaction) -> Promise {
    Promise::new(&mut |resolve, reject| {
        let t = tx.clone();
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let reject2 = reject.clone();
        let t2 = tx.clone();
        let abort = Closure::once_into_js(move |_: web_sys::Event| {
            let e = t.error().map(JsValue::from).unwrap_or_else(|| "the transaction was aborted".into());
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        let err = Closure::once_into_js(move |_: web_sys::Event| {
            let e = t2.error().map(JsValue::from).unwrap_or_else(|| "the transaction failed".into());
            let _ = reject2.call1(&JsValue::NULL, &e);
        });
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        tx.set_onabort(Some(abort.unchecked_ref()));
        tx.set_onerror(Some(err.unchecked_ref()));
    })
}

async fn open() -> Result<IdbDatabase, StoreError> {
    let factory = web_sys::window().ok_or(StoreError::NoWindow)?.indexed_db().map_err(StoreError::of)?.ok_or(StoreError::NoIndexedDb)?;
    let req: IdbOpenDbRequest = factory.open_with_u32(DB, 1).map_err(StoreError::of)?;
    let upgrade = Closure::once_into_js(move |ev: web_sys::Event| {
        if let Some(db) = ev.target().and_then(|t| t.dyn_into::<IdbRequest>().ok()).and_then(|r| r.result().ok()) {
            let db: IdbDatabase = db.unchecked_into();
            // A new database (version 1) has no store yet.
            let _ = db.create_object_store(STORE);
        }
    });
    req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db = JsFuture::from(settled(&req)).await.map_err(StoreError::of)?;
    Ok(db.unchecked_into())
}

async fn write(f: impl FnOnce(&web_sys::IdbObjectStore) -> Result<IdbRequest, JsValue>) -> Result<(), StoreError> {
    let db = open().await?;
    let tx = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite).map_err(StoreError::of)?;
    let store = tx.object_store(STORE).map_err(StoreError::of)?;
    f(&store).map_err(StoreError::of)?;
    let done = JsFuture::from(committed(&tx)).await.map_err(StoreError::of);
    db.close();
    done.map(|_| ())
}

/// Store `value` (a string or bytes) under `key`.
///
/// # Errors
/// [`StoreError`]: no IndexedDB, or the browser's reason, e.g. a full quota
/// (`QuotaExceededError`).
pub async fn put(key: &str, value: &JsValue) -> Result<(), StoreError> {
    write(|s| s.put_with_key(value, &JsValue::from_str(key))).await
}

/// Store bytes under `key`.
///
/// # Errors
/// As [`put`].
pub async fn put_bytes(key: &str, bytes: &[u8]) -> Result<(), StoreError> {
    put(key, &Uint8Array::from(bytes).into()).await
}

/// Remove `key`.
///
/// # Errors
/// As [`put`].
pub async fn delete(key: &str) -> Result<(), StoreError> {
    write(|s| s.delete(&JsValue::from_str(key))).await
}

async fn read(f: impl FnOnce(&web_sys::IdbObjectStore) -> Result<IdbRequest, JsValue>) -> Result<JsValue, StoreError> {
    let db = open().await?;
    let tx = db.transaction_with_str(STORE).map_err(StoreError::of)?;
    let store = tx.object_store(STORE).map_err(StoreError::of)?;
    let req = f(&store).map_err(StoreError::of)?;
    let v = JsFuture::from(settled(&req)).await.map_err(StoreError::of);
    db.close();
    v
}

/// The string under `key`, if any.
///
/// # Errors
/// As [`put`].
pub async fn get_string(key: &str) -> Result<Option<String>, StoreError> {
    Ok(read(|s| s.get(&JsValue::from_str(key))).await?.as_string())
}

/// The value under `key` as the browser stored it (e.g. a `File`), `undefined` when none.
///
/// # Errors
/// As [`put`].
pub async fn get(key: &str) -> Result<JsValue, StoreError> {
    read(|s| s.get(&JsValue::from_str(key))).await
}

/// The bytes under `key`, if any.
///
/// # Errors
/// As [`put`].
pub async fn get_bytes(key: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let v = read(|s| s.get(&JsValue::from_str(key))).await?;
    Ok(v.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec))
}

/// Every key, sorted.
///
/// # Errors
/// As [`put`].
pub async fn keys() -> Result<Vec<String>, StoreError> {
    let v = read(|s| s.get_all_keys()).await?;
    let mut out: Vec<String> = js_sys::Array::from(&v).iter().filter_map(|k| k.as_string()).collect();
    out.sort();
    Ok(out)
}

/// Bytes used and the quota of this origin's storage, when the browser tells.
pub async fn estimate() -> Option<(f64, f64)> {
    let storage = web_sys::window()?.navigator().storage();
    let e = JsFuture::from(storage.estimate().ok()?).await.ok()?;
    let get = |k: &str| js_sys::Reflect::get(&e, &k.into()).ok().and_then(|v| v.as_f64());
    Some((get("usage")?, get("quota")?))
}

/// A run's description (`checkpoint.json`'s fields) stored as JSON under `key`: `None` when
/// there is none, it cannot be read, or it does not parse (an older format).
pub async fn get_meta(key: &str) -> Option<dnaplay_model::checkpoint::CheckpointMeta> {
    get_string(key).await.ok().flatten().and_then(|j| dnaplay_model::checkpoint::CheckpointMeta::from_json(&j).ok())
}

/// A value stored as CBOR under `key` ([`dnaplay_protocol::to_cbor`], e.g. a run's first-layer
/// filters): `None` when there is none, it cannot be read, or it does not decode.
pub async fn get_cbor<T: for<'de> serde::Deserialize<'de>>(key: &str) -> Option<T> {
    get_bytes(key).await.ok().flatten().and_then(|b| dnaplay_protocol::from_cbor(&b).ok())
}
