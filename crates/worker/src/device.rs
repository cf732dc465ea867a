//! WebGPU through burn-wgpu, from the training worker ([`crate::worker`]), which has
//! `navigator.gpu` as a window does. The device type is the model crate's
//! [`dnaplay_model::BackendChoice`] (the same as the CLI's `--device`); the run engine
//! (the page's `Engine::choose_device`) asks for WebGPU once per worker, because
//! `init_async` may run only once.

use dnaplay_model::burn::tensor::Device;
use dnaplay_protocol::RunError;
use dnaplay_protocol::timing::{NO_WEBGPU, browser_has_webgpu};

/// Ask for WebGPU; on any failure give the reason, so the page can say why it uses the CPU.
///
/// # Errors
/// [`RunError::Unavailable`]: no `navigator.gpu`, a failed adapter or device request, or a build
/// without WebGPU.
pub async fn init_webgpu() -> Result<Device, RunError> {
    if !browser_has_webgpu() {
        return Err(RunError::Unavailable(NO_WEBGPU.into()));
    }
    #[cfg(feature = "webgpu")]
    return Device::wgpu_options().init_async().await.map_err(|e| RunError::Unavailable(format!("WebGPU initialisation failed: {e}")));
    #[cfg(not(feature = "webgpu"))]
    Err(RunError::Unavailable("this build of the app has no WebGPU support (built without the `webgpu` feature)".into()))
}
