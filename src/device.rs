//! The compute device in the browser: WebGPU through burn-wgpu when the browser has an adapter,
//! else burn-flex on the CPU. `init_async` may run only once per page, so the WebGPU device is
//! kept once made.

use dnaplay_model::burn::tensor::Device;

/// Which device trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    /// burn-wgpu on the browser's WebGPU adapter.
    WebGpu,
    /// burn-flex on the CPU (WebAssembly, single thread).
    Cpu,
}

impl DeviceKind {
    /// The label shown on the page.
    pub fn label(self) -> &'static str {
        match self {
            DeviceKind::WebGpu => "WebGPU",
            DeviceKind::Cpu => "CPU",
        }
    }
}

/// True when `navigator.gpu` exists.
fn browser_has_webgpu() -> bool {
    let Some(window) = web_sys::window() else { return false };
    js_sys::Reflect::get(&window.navigator(), &"gpu".into()).is_ok_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
}

/// Ask for WebGPU; on any failure give the reason, so the page can say why it uses the CPU.
pub async fn init_webgpu() -> Result<Device, String> {
    if !browser_has_webgpu() {
        return Err("this browser has no WebGPU (navigator.gpu is missing)".into());
    }
    #[cfg(feature = "webgpu")]
    return Device::wgpu_options().init_async().await.map_err(|e| format!("WebGPU initialisation failed: {e}"));
    #[cfg(not(feature = "webgpu"))]
    Err("this build of the app has no WebGPU support (built without the `webgpu` feature)".into())
}

/// The CPU device.
pub fn cpu() -> Device {
    Device::flex()
}
