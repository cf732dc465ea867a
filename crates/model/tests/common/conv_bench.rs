//! CNN-dist's four convolutions on a batch of 100, forward and forward + backward: burn's
//! `Conv1d` (burn-flex: tiled im2col + gemm) against two replacements written with burn ops, a
//! sum of shifted matrix products (one per kernel position) and im2col by `unfold` plus one
//! matrix product. Both replacements are checked equal to `Conv1d` on the same weights first.
//! Shared by the native benchmark (`conv_kernels.rs`) and the wasm one (`wasm.rs`), which pass
//! their own clock (milliseconds) and printer.

use dnaplay_model::burn::nn::PaddingConfig1d;
use dnaplay_model::burn::nn::conv::Conv1dConfig;
use dnaplay_model::burn::tensor::{Device, Distribution, Tensor};

fn time(now: &impl Fn() -> f64, out: &impl Fn(&str), name: &str, mut f: impl FnMut()) {
    f();
    let n = 10;
    let t = now();
    for _ in 0..n {
        f();
    }
    out(&format!("{name:<40} {:>8.2} ms", (now() - t) / n as f64));
}

/// Print each kernel's milliseconds per call, timed with `now` (milliseconds).
pub fn bench(now: impl Fn() -> f64, out: impl Fn(&str)) {
    let device = Device::flex().autodiff();
    let b = 100;
    for (c, f, w, l, pad) in [(4usize, 24usize, 7usize, 200usize, false), (24, 32, 9, 194, true), (32, 48, 6, 64, true), (48, 64, 4, 16, true)] {
        let mut cfg = Conv1dConfig::new(c, f, w);
        if pad { cfg = cfg.with_padding(PaddingConfig1d::Same); }
        let conv = cfg.init(&device);
        let x = Tensor::<3>::random([b, c, l], Distribution::Normal(0.0, 1.0), &device).require_grad();
        time(&now, &out, &format!("conv {c}->{f} w{w} L{l} fwd"), || { let _ = conv.forward(x.clone()).into_data(); });
        time(&now, &out, &format!("conv {c}->{f} w{w} L{l} fwd+bwd"), || { let y = conv.forward(x.clone()); let _g = y.sum().backward(); });
        // Shifted matmuls: y = sum_j W_j x[:, :, j..j+L'] (bias left out of both replacements
        // and compared without it).
        let weight = conv.weight.val();
        let bias = conv.bias.as_ref().expect("Conv1d has a bias").val();
        let (left, lp) = if pad { ((w - 1) / 2, l) } else { (0, l - w + 1) };
        let shifted = |x: Tensor<3>| {
            let xp = if pad { x.pad([(left, w - 1 - left)], dnaplay_model::burn::tensor::ops::PadMode::Constant(0.0)) } else { x };
            let mut y: Option<Tensor<3>> = None;
            for j in 0..w {
                let wj = weight.clone().slice([0..f, 0..c, j..j + 1]).reshape([1, f, c]);
                let xj = xp.clone().slice([0..b, 0..c, j..j + lp]);
                let t = wj.matmul(xj);
                y = Some(match y { None => t, Some(a) => a + t });
            }
            y.unwrap()
        };
        time(&now, &out, &format!("shifted {c}->{f} w{w} L{l} fwd+bwd"), || { let y = shifted(x.clone()); let _g = y.sum().backward(); });
        // im2col via unfold + one matmul
        let unfolded = |x: Tensor<3>| {
            let xp = if pad { x.pad([(left, w - 1 - left)], dnaplay_model::burn::tensor::ops::PadMode::Constant(0.0)) } else { x };
            let u: Tensor<4> = xp.unfold(2, w, 1); // [b, c, lp, w]
            let u = u.permute([0, 2, 1, 3]).reshape([b * lp, c * w]);
            let wm = weight.clone().reshape([f, c * w]).transpose();
            u.matmul(wm).reshape([b, lp, f]).swap_dims(1, 2)
        };
        time(&now, &out, &format!("unfold {c}->{f} w{w} L{l} fwd+bwd"), || { let y = unfolded(x.clone()); let _g = y.sum().backward(); });
        let reference = conv.forward(x.clone()) - bias.clone().reshape([1, f, 1]);
        for (name, y) in [("shifted", shifted(x.clone())), ("unfold", unfolded(x.clone()))] {
            let diff: f32 = (y - reference.clone()).abs().max().into_scalar();
            assert!(diff < 1e-3, "{name} differs from Conv1d by {diff}");
        }
    }
}
