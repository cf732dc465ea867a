// Seed 002's 8-mer CNN in TensorFlow.js (Conv1d of 32 filters of width 3, relu, flatten, one
// dense output; SGD at 0.01, batch 128, mean squared error), the architecture and training of
// `ModelConfig::cnn(8)` and `TrainConfig::default()` in crates/model. Trains on data.bin, written
// by bench_tfjs from the model crate's own split, and leaves its figures in window.tfjsResult.
//
// data.bin, little-endian: four u32 (training rows, validation rows, length, 0), then f32:
// the training one-hot [rows, length, 4] (channels last, TensorFlow.js's conv1d layout), its
// targets [rows], the validation one-hot and its targets.
(async () => {
  const out = document.getElementById('out');
  const log = (line) => { out.textContent += '\n' + line; };
  const q = new URLSearchParams(location.search);
  const epochs = Number(q.get('epochs') || 10);
  const backend = q.get('backend') || 'wasm';
  try {
    tf.wasm.setWasmPaths('node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    if (q.has('threads')) tf.wasm.setThreadsCount(Number(q.get('threads')));
    if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialise`);
    await tf.ready();
    const response = await fetch('data.bin');
    if (!response.ok) throw new Error(`data.bin: HTTP ${response.status}`);
    const buf = await response.arrayBuffer();
    const [nTrain, nVal, len] = new Uint32Array(buf, 0, 4);
    let offset = 16;
    const take = (n) => { const a = new Float32Array(buf, offset, n); offset += 4 * n; return a; };
    // TensorFlow.js 4.22's wasm backend has no Conv2DBackpropFilter kernel, so a conv1d layer
    // cannot train there. On it the convolution is written as what it computes: each of the
    // len - width + 1 windows of `width` one-hot columns (width × 4 values, cut once here, before
    // training) through one dense layer of 32 units shared by every window. The arithmetic per
    // batch is the convolution's; cutting the windows each batch, which a convolution kernel
    // does, is left out, to TensorFlow.js's advantage.
    const width = 3, windows = len - width + 1;
    const patches = backend === 'wasm';
    const inputs = (x, n) => {
      if (!patches) return tf.tensor3d(x, [n, len, 4]);
      const p = new Float32Array(n * windows * width * 4);
      for (let r = 0; r < n; r++) {
        for (let w = 0; w < windows; w++) {
          p.set(x.subarray((r * len + w) * 4, (r * len + w + width) * 4), (r * windows + w) * width * 4);
        }
      }
      return tf.tensor3d(p, [n, windows, width * 4]);
    };
    const xTrain = inputs(take(nTrain * len * 4), nTrain);
    const yTrain = tf.tensor2d(take(nTrain), [nTrain, 1]);
    const xVal = inputs(take(nVal * len * 4), nVal);
    const yValData = take(nVal);
    const yVal = tf.tensor2d(yValData, [nVal, 1]);

    const model = tf.sequential();
    model.add(patches
      ? tf.layers.dense({ inputShape: [windows, width * 4], units: 32, activation: 'relu' })
      : tf.layers.conv1d({ inputShape: [len, 4], filters: 32, kernelSize: width, activation: 'relu' }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 1 }));
    model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });

    // Each epoch as our trainer's: one pass over the shuffled training rows, then the
    // validation loss.
    const seconds = [];
    let begun = 0;
    await model.fit(xTrain, yTrain, {
      batchSize: 128, epochs, shuffle: true, validationData: [xVal, yVal],
      callbacks: {
        onEpochBegin: async () => { begun = performance.now(); },
        onEpochEnd: async (epoch, logs) => {
          seconds.push((performance.now() - begun) / 1000);
          log(`epoch ${epoch + 1}: ${seconds[seconds.length - 1].toFixed(3)} s, loss ${logs.loss.toFixed(3)}, val loss ${logs.val_loss.toFixed(3)}`);
        },
      },
    });
    const pred = model.predict(xVal).dataSync();
    const mean = yValData.reduce((a, b) => a + b, 0) / nVal;
    let res = 0, tot = 0;
    for (let i = 0; i < nVal; i++) { res += (yValData[i] - pred[i]) ** 2; tot += (yValData[i] - mean) ** 2; }
    window.tfjsResult = {
      version: tf.version.tfjs, backend: tf.getBackend(),
      threads: backend === 'wasm' ? tf.wasm.getThreadsCount() : null,
      simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
      multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
      crossOriginIsolated: self.crossOriginIsolated,
      layer: patches ? 'dense over windows' : 'conv1d', nTrain, nVal, secondsPerEpoch: seconds, valR2: 1 - res / tot,
    };
    log(`done: ${JSON.stringify(window.tfjsResult)}`);
  } catch (e) {
    window.tfjsResult = { error: String((e && e.stack) || e) };
    log(`error: ${window.tfjsResult.error}`);
  }
})();
