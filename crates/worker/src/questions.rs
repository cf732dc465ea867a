//! Questions about a run's model once it is not training: its weights, the multi-scale model's
//! attention, lesson 11's attribution maps and the insertion experiment. Each waits for the
//! run's trainer to be free (an evaluation or another question may hold it).

use std::rc::Rc;

use dnaplay_model::Error;
use dnaplay_model::attribution::{self, Maps, Method, Output};
use dnaplay_model::backend::BackendChoice;
use dnaplay_model::checkpoint::save_weights_async;
use dnaplay_model::sequence::one_hot;
use dnaplay_model::trainer::{LossKind, Trainer, attention_maps, predict};
use dnaplay_protocol::clock::{now_ms, sleep_ms, yield_now};
use dnaplay_protocol::{Event, ExplainRequest, Explanation, InsertRequest, RunError};

use crate::worker::{WorkerData, put_back, send, with};

/// Send run `id`'s weights ([`Event::Weights`]). They are read back asynchronously, so a
/// WebGPU run's weights can be had too (a browser cannot read WebGPU buffers synchronously).
pub(crate) async fn weights(id: usize) {
    let result = match trainer_when_free(id).await {
        Ok(trainer) => {
            let bytes = match BackendChoice::Flex.device() {
                Ok(cpu) => save_weights_async(trainer.model(), &cpu).await,
                Err(e) => Err(e),
            };
            put_back(id, trainer, 0.0);
            bytes.map(serde_bytes::ByteBuf::from).map_err(|e| RunError::Evaluation(e.to_string()))
        }
        Err(_) => Err(RunError::Unavailable("the run's model is no longer held; train it again".into())),
    };
    send(&Event::Weights { id, result });
}


/// Longest a question about a model waits for its trainer (held by an evaluation or another
/// question), in milliseconds.
const TRAINER_WAIT_MS: f64 = 60_000.0;

/// Run `id`'s trainer once no evaluation or question holds it. `Err` when the run is gone (its
/// model no longer kept), training, or still held after [`TRAINER_WAIT_MS`].
pub(crate) async fn trainer_when_free(id: usize) -> Result<Trainer, Held> {
    let started = now_ms();
    loop {
        let state = with(|s| s.runs.iter_mut().find(|r| r.id == id).map(|r| if r.state.is_active() { Err(Held::Training) } else { Ok(r.trainer.take()) }));
        match state {
            None => return Err(Held::Gone),
            Some(Err(e)) => return Err(e),
            Some(Ok(Some(t))) => return Ok(t),
            Some(Ok(None)) if now_ms() - started > TRAINER_WAIT_MS => return Err(Held::Busy),
            Some(Ok(None)) => sleep_ms(20).await,
        }
    }
}

/// Why a run's trainer could not be had.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Held {
    Gone,
    Training,
    Busy,
}

/// Run `id`'s data and trainer, once its model is kept, not training and free (for a question
/// about its model: attention, maps, an experiment); put it back with [`put_back`]. `what` ends
/// the refusals: "to see where it attends".
async fn idle_trainer(id: usize, what: &str) -> Result<(Rc<WorkerData>, Trainer), RunError> {
    let data = with(|s| s.runs.iter().find(|r| r.id == id).map(|r| r.data.clone()));
    let unavailable = |m: String| Err(RunError::Unavailable(m));
    match (data, trainer_when_free(id).await) {
        (Some(data), Ok(trainer)) => Ok((data, trainer)),
        (_, Err(Held::Training)) => unavailable(format!("the model is training; pause {what}")),
        (_, Err(Held::Busy)) => unavailable(format!("the model was busy for a minute; try again {what}")),
        _ => unavailable(format!("this run's model is no longer kept (only the newest runs' are); train it again {what}")),
    }
}

/// Attention over test sequence `index` of run `id`, when its model is kept and not training.
pub(crate) async fn attention(id: usize, index: usize) {
    let reply = |result| send(&Event::Attention { id, index, result });
    let (data, trainer) = match idle_trainer(id, "to see where it attends").await {
        Ok(t) => t,
        Err(e) => return reply(Err(e)),
    };
    let WorkerData::Class { test_x, .. } = &*data else {
        put_back(id, trainer, 0.0);
        return reply(Err(RunError::Unavailable("not a 200-nt run".into())));
    };
    let x = test_x.gather(&[index.min(test_x.batch.saturating_sub(1))]);
    let result = attention_maps(&trainer.inference_model(), &x, &trainer.device()).await;
    put_back(id, trainer, 0.0);
    reply(match result {
        Ok(Some(w)) => Ok(w),
        Ok(None) => Err(RunError::Unavailable("this model has no attention layer".into())),
        Err(e) => Err(RunError::Evaluation(e.to_string())),
    });
}

/// Lesson 11's maps of run `id`'s model.
pub(crate) async fn explain(id: usize, key: u64, request: ExplainRequest) {
    let reply = |result| send(&Event::Explained { id, key, result });
    let (_, trainer) = match idle_trainer(id, "to see its maps").await {
        Ok(t) => t,
        Err(e) => return reply(Err(e)),
    };
    let started = now_ms();
    let result = explain_with(&trainer, &request).await.map(|(maps, outputs, attention)| Explanation { maps, outputs, attention, millis: now_ms() - started });
    put_back(id, trainer, 0.0);
    reply(result.map_err(|e| RunError::Evaluation(e.to_string())));
}

async fn explain_with(trainer: &Trainer, request: &ExplainRequest) -> Result<(Vec<(Method, Maps)>, Vec<f32>, Option<Vec<f32>>), Error> {
    let (model, device) = (trainer.inference_model(), trainer.device());
    let x = one_hot(&request.seqs)?;
    if x.length != trainer.model_config().seq_len {
        return Err(Error::Attribution(format!("the model takes {} nt; the sequence has {}", trainer.model_config().seq_len, x.length)));
    }
    let mut maps = Vec::with_capacity(request.methods.len());
    let output = Output::default().for_model(trainer.config().loss == LossKind::BinaryCrossEntropy);
    for &method in &request.methods {
        if method == Method::DeepShap && !model.has_rescale_rule() {
            continue; // the multi-scale model: the page shows the other methods
        }
        maps.push((method, attribution::explain(&model, &x, method, request.reference, request.seed, output, &device).await?));
        yield_now().await;
    }
    let outputs = predict(&model, &x, &device).await?;
    let attention = attention_maps(&model, &x, &device).await?;
    Ok((maps, outputs, attention))
}

/// The insertion experiment on run `id`'s model.
pub(crate) async fn insert(id: usize, key: u64, request: InsertRequest) {
    let reply = |result| send(&Event::Inserted { id, key, result });
    let (_, trainer) = match idle_trainer(id, "to run the experiment").await {
        Ok(t) => t,
        Err(e) => return reply(Err(e)),
    };
    let length = trainer.model_config().seq_len;
    let backgrounds = attribution::random_backgrounds(request.n.clamp(1, MAX_BACKGROUNDS), length, request.seed);
    let result = attribution::insertion(&trainer.inference_model(), &backgrounds, &request.motif, request.position, request.seed, &trainer.device()).await;
    put_back(id, trainer, 0.0);
    reply(result.map_err(|e| RunError::Evaluation(e.to_string())));
}

/// Most background sequences of one insertion experiment.
const MAX_BACKGROUNDS: usize = 2_000;
