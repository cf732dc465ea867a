//! Compute devices: the CPU backends (burn-flex, burn-ndarray) and burn-wgpu.
//!
//! Which are available depends on the crate's features. In a browser, WebGPU must be
//! initialised asynchronously with `Device::wgpu_options().init_async()` by the app; natively,
//! [`BackendChoice::device`] creates any of them.

use std::str::FromStr;

#[cfg(feature = "burn")]
use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::choice::named_choice;
use crate::error::{Error, Result};

/// Whether `device` (plain or with autodiff) is one of the CPU backends, burn-flex or
/// burn-ndarray, rather than burn-wgpu.
#[cfg(feature = "burn")]
pub(crate) fn is_cpu_device(device: &Device) -> bool {
    let plain = device.clone().inner();
    #[cfg(feature = "flex")]
    if plain == Device::flex() {
        return true;
    }
    #[cfg(feature = "ndarray")]
    #[allow(deprecated)] // burn-ndarray stays selectable (`--device ndarray`): crate::backend
    if plain == Device::ndarray() {
        return true;
    }
    let _ = plain;
    false
}

/// A compute backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendChoice {
    /// burn-flex: burn's pure-Rust CPU backend (the default; see docs/performance.md).
    Flex,
    /// burn-ndarray: the CPU backend built on `ndarray`.
    Ndarray,
    /// burn-wgpu: WebGPU in a browser; Vulkan, Metal or DX12 natively.
    Wgpu,
}

named_choice!(BackendChoice, "device", {
    Flex => "flex",
    Ndarray => "ndarray",
    Wgpu => "wgpu",
}, custom_from_str);

impl BackendChoice {
    /// Whether this build has the backend compiled in.
    pub fn is_built(self) -> bool {
        match self {
            BackendChoice::Flex => cfg!(feature = "flex"),
            BackendChoice::Ndarray => cfg!(feature = "ndarray"),
            BackendChoice::Wgpu => cfg!(feature = "wgpu"),
        }
    }

    /// The backends this build has, in [`BackendChoice::ALL`] order.
    pub fn built() -> Vec<BackendChoice> {
        Self::ALL.iter().copied().filter(|b| b.is_built()).collect()
    }

    /// The default CPU backend of this build: Flex when built, else NdArray.
    pub fn default_cpu() -> Option<BackendChoice> {
        [BackendChoice::Flex, BackendChoice::Ndarray].into_iter().find(|b| b.is_built())
    }

    /// What the page shows: "CPU" for burn-flex, "CPU (ndarray)", "WebGPU" for burn-wgpu.
    pub fn label(self) -> &'static str {
        match self {
            BackendChoice::Flex => "CPU",
            BackendChoice::Ndarray => "CPU (ndarray)",
            BackendChoice::Wgpu => "WebGPU",
        }
    }

    /// Whether this is a CPU backend.
    pub fn is_cpu(self) -> bool {
        self != BackendChoice::Wgpu
    }

    /// Create the device (without autodiff).
    ///
    /// On wasm32, `Wgpu` gives an error: the browser needs `init_async`, which the app calls.
    ///
    /// # Errors
    /// [`Error::Device`] when the backend is not compiled into this build.
    #[cfg(feature = "burn")]
    pub fn device(self) -> Result<Device> {
        if !self.is_built() {
            let built = Self::built().iter().map(|b| b.name()).collect::<Vec<_>>().join(", ");
            return Err(Error::Device(format!("the {} backend is not built in; this build has: {built}", self.name())));
        }
        match self {
            #[cfg(feature = "flex")]
            BackendChoice::Flex => Ok(Device::flex()),
            #[cfg(feature = "ndarray")]
            #[allow(deprecated)]
            BackendChoice::Ndarray => Ok(Device::ndarray()),
            #[cfg(all(feature = "wgpu", not(target_family = "wasm")))]
            BackendChoice::Wgpu => Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice)),
            #[allow(unreachable_patterns)]
            _ => Err(Error::Device(format!("the {} device must be initialised asynchronously in a browser", self.name()))),
        }
    }
}

impl FromStr for BackendChoice {
    type Err = Error;

    /// Parse a name case-insensitively; `cpu` means [`BackendChoice::default_cpu`], `webgpu`
    /// means `wgpu`.
    ///
    /// # Errors
    /// [`Error::UnknownName`] listing the accepted names.
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "cpu" => Self::default_cpu().ok_or_else(|| Error::Device("no CPU backend is built in".into())),
            "webgpu" => Ok(BackendChoice::Wgpu),
            _ => Self::parse_name(&s).map_err(|_| Error::UnknownName { what: "device", given: s.clone(), expected: "cpu, webgpu, flex, ndarray, wgpu".into() }),
        }
    }
}

/// The device unit tests run on: the default CPU backend.
#[cfg(test)]
pub(crate) fn test_device() -> Device {
    BackendChoice::default_cpu().expect("tests need a CPU backend").device().expect("CPU device should build")
}
