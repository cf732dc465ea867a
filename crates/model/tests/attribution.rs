//! The attribution methods checked against what must hold exactly (issue 11's "checks of the
//! methods"), on the shipped lesson checkpoints and on a linear model:
//!
//! - for the linear model, saliency × input is weight × input, bit for bit;
//! - ISM is 0 at the sequence's own base before centring;
//! - integrated gradients are complete: their sum is `f(x) − mean f(reference)` within 5%;
//! - integrated gradients' 20 Gauss–Legendre points, checked on polynomials;
//! - DeepSHAP: on the linear model it is weight × (x − r) exactly; on the 8-mer CNN (one
//!   hidden layer) it equals DeepLIFT's rescale rule computed by hand from the weights; on
//!   CNN-dist (relu and exp, with max-pools and batch norm) its maps sum to `f(x) − mean f(r)`
//!   (summation to delta) for the logit and the probability;
//! - on lesson 9's pair, exp's saliency maps and first-layer scans find the planted motifs
//!   better than relu's, and the ground-truth PWMs find them too.
#![cfg(not(target_family = "wasm"))]

use dnaplay_model::BackendChoice;
use dnaplay_model::attribution::{self, IG_STEPS, Method, Output, Reference, deepshap, filter_localisation, integrated_gradients, ism, pwm_localisation, saliency, score_maps, test_positives};
use dnaplay_model::checkpoint::{CheckpointMeta, load_weights};
use dnaplay_model::models::{Model, ModelConfig};
use dnaplay_model::sequence::{OneHot, one_hot};
use dnaplay_model::tasks::{ClassTask, ClassTaskKind};
use dnaplay_model::trainer::readback::filter_weights;

macro_rules! shipped {
    ($name:literal) => {
        (include_str!(concat!("../../../assets/checkpoints/", $name, "/checkpoint.json")), include_bytes!(concat!("../../../assets/checkpoints/", $name, "/model.bpk")).as_slice())
    };
}

fn device() -> burn::tensor::Device {
    BackendChoice::default_cpu().unwrap().device().unwrap()
}

fn load((json, weights): (&str, &[u8])) -> (CheckpointMeta, Model) {
    let meta = CheckpointMeta::from_json(json).unwrap();
    let model = load_weights(&meta.model, weights, &device()).unwrap();
    (meta, model)
}

/// A shipped lesson 9 checkpoint, the Task 3 data it was trained on, and that data's first `n`
/// positive test sequences with their ground-truth information content.
fn shipped_positives(ckpt: (&str, &[u8]), n: usize) -> (CheckpointMeta, Model, ClassTask, OneHot, Vec<f32>) {
    let (meta, model) = load(ckpt);
    let task = ClassTask::generate(ClassTaskKind::Task3, meta.num_seqs.unwrap(), meta.seed).unwrap();
    let (_, x, info) = test_positives(&task, n).unwrap();
    (meta, model, task, x, info)
}

#[test]
fn linear_saliency_times_input_is_weight_times_input() {
    let device = device();
    let Model::Linear(linear) = ModelConfig::linear(8).init(&device, 3).unwrap() else { panic!("a linear model") };
    let w = linear.weight().into_data().try_to_vec::<f32>().unwrap();
    let model = Model::Linear(linear);
    let x = one_hot(&["CCCCCTAT", "GCGTATAA", "ANGTACGT"]).unwrap();
    let s = pollster::block_on(saliency(&model, &x, Output::Logit, &device)).unwrap();
    for b in 0..x.batch {
        let expected: Vec<f32> = x.sequence(b).iter().zip(&w).map(|(x, w)| x * w).collect();
        assert_eq!(s.sequence(b), expected.as_slice(), "sequence {b}");
    }
}

#[test]
fn ism_is_zero_at_the_observed_base_and_matches_forward_passes() {
    let device = device();
    let (meta, model) = load(shipped!("lesson5-cnn"));
    assert_eq!(meta.task, "8mer");
    let x = one_hot(&["CCCCCTAT", "GCGTATAA"]).unwrap();
    let deltas = pollster::block_on(ism(&model, &x, Output::Logit, &device)).unwrap();
    let base = dnaplay_model::trainer::predict(&model, &x, &device);
    let base = pollster::block_on(base).unwrap();
    for b in 0..x.batch {
        let (s, xs) = (deltas.sequence(b), x.sequence(b));
        for (c, (&d, &v)) in s.iter().zip(xs).enumerate() {
            if v == 1.0 {
                assert_eq!(d, 0.0, "sequence {b}, cell {c}: the observed base changes nothing");
            }
        }
        // One substitution checked by hand: CCCCCTAT → CCCCCGAT (position 5, T → G).
        if b == 0 {
            let mutant = pollster::block_on(dnaplay_model::trainer::predict(&model, &one_hot(&["CCCCCGAT"]).unwrap(), &device)).unwrap();
            assert!((s[2 * 8 + 5] - (mutant[0] - base[0])).abs() < 1e-5);
        }
    }
    // The mean-centred form sums to 0 at every position.
    let c = deltas.mean_centred();
    for i in 0..8 {
        let sum: f32 = (0..4).map(|j| c.sequence(0)[j * 8 + i]).sum();
        assert!(sum.abs() < 1e-5);
    }
}

/// `Σ |Σ attributions − (f(x) − f(r))| / Σ |f(x) − f(r)|` over the sequences.
fn completeness_error(ig: &attribution::Additive) -> f32 {
    let c = ig.completeness();
    c.iter().map(|(s, d)| (s - d).abs()).sum::<f32>() / c.iter().map(|(_, d)| d.abs()).sum::<f32>()
}

#[test]
fn integrated_gradients_are_complete_for_every_reference() {
    let device = device();
    for ckpt in [shipped!("lesson9-exp"), shipped!("lesson9-relu")] {
        let (meta, model, _, x, _) = shipped_positives(ckpt, 6);
        let act = meta.model.activation;
        for reference in Reference::ALL.iter().copied() {
            let ig = pollster::block_on(integrated_gradients(&model, &x, reference, IG_STEPS, 1, Output::Logit, &device)).unwrap();
            let error = completeness_error(&ig);
            eprintln!("{act} {reference}, {IG_STEPS} steps: completeness error {error:.4}");
            if (act, reference) == (dnaplay_model::models::Activation::Relu, Reference::Zero) {
                // relu's kinks on the long path from all-zero input need more points.
                let fine = pollster::block_on(integrated_gradients(&model, &x, reference, 5 * IG_STEPS, 1, Output::Logit, &device)).unwrap();
                let fine_error = completeness_error(&fine);
                eprintln!("{act} {reference}, {} steps: completeness error {fine_error:.4}", 5 * IG_STEPS);
                assert!(fine_error <= 0.05 && fine_error < error, "{act} {reference}: {error} at 20 steps, {fine_error} at 100");
            } else {
                assert!(error <= 0.05, "{act} {reference}: the attributions miss f(x) − f(ref) by {:.1}%", 100.0 * error);
            }
        }
    }
}

#[test]
fn exp_maps_and_scans_find_the_planted_motifs_better_than_relu() {
    let device = device();
    let mut scores = Vec::new();
    for ckpt in [shipped!("lesson9-relu"), shipped!("lesson9-exp")] {
        let (_, model, task, x, info) = shipped_positives(ckpt, 40);
        let mut row = Vec::new();
        for method in [Method::Saliency, Method::Ism] {
            let maps = pollster::block_on(attribution::explain(&model, &x, method, Reference::Shuffle, 1, Output::Logit, &device)).unwrap();
            row.push(score_maps(&maps, &x, &info).unwrap().auroc.mean);
        }
        row.push(pollster::block_on(filter_localisation(&model, &x, &info, &device)).unwrap().unwrap());
        assert!(pollster::block_on(filter_weights(&model)).unwrap().is_some());
        if scores.is_empty() {
            // The ground-truth PWMs locate the motifs (seed 003 reports 0.884 on Task 1).
            let pwm = pwm_localisation(&x, &info, &task.targets).unwrap();
            assert!(pwm > 0.8, "PWM localisation AUROC {pwm}");
        }
        scores.push(row);
    }
    let (relu, exp) = (&scores[0], &scores[1]);
    eprintln!("relu {relu:?}\nexp {exp:?}");
    // Seed 4's pair: saliency 0.84 against 0.58, localisation 0.93 against 0.63. ISM, the
    // gold standard, finds the motifs with both (0.921 each): seed 003's gap is in the mean
    // over seeds (docs/results-seed003.md, "attribution maps scored against the truth").
    for (k, what) in [(0, "saliency"), (2, "filter localisation")] {
        assert!(exp[k] > relu[k] + 0.1, "{what}: exp {} against relu {}", exp[k], relu[k]);
    }
    assert!(exp[1] > 0.85 && relu[1] > 0.85, "ISM: exp {} relu {}", exp[1], relu[1]);
}

#[test]
fn gauss_legendre_integrates_polynomials_exactly() {
    let nodes = attribution::gauss_legendre(20);
    assert_eq!(nodes.len(), 20);
    assert!((nodes.iter().map(|n| n.1).sum::<f32>() - 1.0).abs() < 1e-5);
    // ∫₀¹ x^9 dx = 0.1 and ∫₀¹ eˣ dx = e − 1.
    assert!((nodes.iter().map(|&(a, w)| w * a.powi(9)).sum::<f32>() - 0.1).abs() < 1e-5);
    assert!((nodes.iter().map(|&(a, w)| w * a.exp()).sum::<f32>() - (1f32.exp() - 1.0)).abs() < 1e-5);
    assert!(nodes.iter().all(|&(a, w)| (0.0..1.0).contains(&a) && w > 0.0));
}

#[test]
fn deepshap_of_the_linear_model_is_weight_times_the_difference() {
    let device = device();
    let Model::Linear(linear) = ModelConfig::linear(8).init(&device, 3).unwrap() else { panic!("a linear model") };
    let w = linear.weight().into_data().try_to_vec::<f32>().unwrap();
    let model = Model::Linear(linear);
    let x = one_hot(&["CCCCCTAT", "GCGTATAA"]).unwrap();
    for reference in [Reference::Zero, Reference::Uniform] {
        let r = if reference == Reference::Zero { 0.0 } else { 0.25 };
        let d = pollster::block_on(deepshap(&model, &x, reference, 1, Output::Logit, &device)).unwrap();
        for b in 0..x.batch {
            for (c, (&got, (&xv, &wv))) in d.maps.sequence(b).iter().zip(x.sequence(b).iter().zip(&w)).enumerate() {
                assert!((got - wv * (xv - r)).abs() < 1e-6, "{reference}, sequence {b}, cell {c}: {got} against {}", wv * (xv - r));
            }
        }
    }
}

/// DeepLIFT's rescale rule by hand for seed 002's CNN (conv 4 → F, width w, activation, dense
/// to 1), from its weights: the contribution of input cell (j, i) is
/// `Σ_f Σ_p v[f, p] · m[f, p] · W[f, j, i − p] · (x − r)[j, i]`, with `m = (a(z) − a(z_r)) /
/// (z − z_r)` at each pre-activation `z` (Shrikumar et al. 2017, eq. 3 and the rescale rule).
fn rescale_by_hand(model: &Model, x: &[f32], r: &[f32], l: usize, device: &burn::tensor::Device) -> Vec<f32> {
    let Model::Cnn(cnn) = model else { panic!("the 8-mer CNN") };
    let w = cnn.conv_weight();
    let [f, _, width] = w.dims();
    let w = w.into_data().try_to_vec::<f32>().unwrap();
    let v = cnn.dense_weight().into_data().try_to_vec::<f32>().unwrap();
    let act = |z: f32| cnn.activation().apply_scalar(z);
    // Pre-activations `[filters, positions]` of the sequence and of the reference.
    let pre = |s: &[f32]| {
        let t = burn::tensor::Tensor::<3>::from_data(burn::tensor::TensorData::new(s.to_vec(), [1, 4, l]), device);
        model.first_layer(t).unwrap().0.into_data().try_to_vec::<f32>().unwrap()
    };
    let (zx, zr) = (pre(x), pre(r));
    let positions = l - width + 1;
    let mut out = vec![0.0; 4 * l];
    for k in 0..f {
        for p in 0..positions {
            let (z, zr) = (zx[k * positions + p], zr[k * positions + p]);
            let m = if (z - zr).abs() < 1e-6 { 0.0 } else { (act(z) - act(zr)) / (z - zr) };
            let vk = v[p * f + k];
            for j in 0..4 {
                for o in 0..width {
                    out[j * l + p + o] += vk * m * w[(k * 4 + j) * width + o] * (x[j * l + p + o] - r[j * l + p + o]);
                }
            }
        }
    }
    out
}

#[test]
fn deepshap_of_the_8mer_cnn_is_the_rescale_rule_by_hand() {
    let device = device();
    for act in [dnaplay_model::models::Activation::Relu, dnaplay_model::models::Activation::Exp] {
        let model = ModelConfig { activation: act, ..ModelConfig::cnn(8) }.init(&device, 5).unwrap();
        let x = one_hot(&["CCCCCTAT", "GCGTATAA"]).unwrap();
        let d = pollster::block_on(deepshap(&model, &x, Reference::Uniform, 1, Output::Logit, &device)).unwrap();
        for b in 0..x.batch {
            let hand = rescale_by_hand(&model, x.sequence(b), &[0.25; 32], 8, &device);
            for (c, (got, want)) in d.maps.sequence(b).iter().zip(&hand).enumerate() {
                assert!((got - want).abs() < 1e-4 * (1.0 + want.abs()), "{act}, sequence {b}, cell {c}: {got} against {want} by hand");
            }
        }
        // Summation to delta, with the sigmoid under the rule too.
        for output in [Output::Logit, Output::Probability] {
            let d = pollster::block_on(deepshap(&model, &x, Reference::Uniform, 1, output, &device)).unwrap();
            for (s, delta) in d.completeness() {
                assert!((s - delta).abs() < 1e-4 * (1.0 + delta.abs()), "{act} {output}: {s} against {delta}");
            }
        }
    }
}

#[test]
fn deepshap_sums_to_the_change_from_the_shuffled_references() {
    let device = device();
    for ckpt in [shipped!("lesson9-exp"), shipped!("lesson9-relu")] {
        let (meta, model, _, x, _) = shipped_positives(ckpt, 4);
        for output in [Output::Logit, Output::Probability] {
            let d = pollster::block_on(deepshap(&model, &x, Reference::Shuffle, 1, output, &device)).unwrap();
            let error = completeness_error(&d);
            eprintln!("{} {output}: summation-to-delta error {error:.2e}", meta.model.activation);
            assert!(error < 1e-3, "{} {output}: the maps miss f(x) − mean f(r) by {:.3}%", meta.model.activation, 100.0 * error);
            // The output it reports is the model's own.
            let y = pollster::block_on(dnaplay_model::trainer::predict(&model, &x, &device)).unwrap();
            for (o, z) in d.output.iter().zip(&y) {
                let want = if output == Output::Logit { *z } else { dnaplay_model::metrics::sigmoid(*z) };
                assert!((o - want).abs() < 1e-4, "{o} against {want}");
            }
        }
    }
    let multiscale = ModelConfig::multiscale(50, dnaplay_model::models::Activation::Relu).init(&device, 1).unwrap();
    let x = one_hot(&["ACGT".repeat(12) + "AC"]).unwrap();
    let err = pollster::block_on(deepshap(&multiscale, &x, Reference::Zero, 1, Output::Logit, &device)).unwrap_err();
    assert!(err.to_string().contains("multi-scale"), "{err}");
}
