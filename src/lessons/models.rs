//! Lesson 4: what a linear model and a CNN can see (seed 001, "Define the models"; seed 002,
//! Part 3).

use dnaplay_model::models::{ModelConfig, ModelKind};
use dnaplay_plots::thousands;
use leptos::prelude::*;

use crate::lab::Lab;

#[component]
pub fn ModelsLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let linear = ModelConfig::linear(8);
    let cnn = move || ModelConfig { kind: ModelKind::Cnn, activation: lab.settings.with(|s| s.activation), ..ModelConfig::cnn(8) };
    let cnn_conv = move || {
        let c = cnn();
        c.num_filters * 4 * c.filter_width + c.num_filters
    };
    view! {
        <p>
            "Seed 002 (Part 3) compares two models on the same one-hot input, "<code>"[batch, 4, 8]"</code>"."
        </p>
        <div class="cards">
            <section class="panel card">
                <h3>"Linear"</h3>
                <p>"Flattens the "<code>"[4, 8]"</code>" matrix into 32 numbers and takes a weighted sum plus a bias: "
                   "one weight per base at each position. It can learn the base values, but not that "
                   <code>"T"</code>", "<code>"A"</code>", "<code>"T"</code>" next to each other earn a bonus, "
                   "so it cannot see the motifs."</p>
                <p class="metric" data-testid="params-linear">{format!("{} parameters", linear.num_params())}</p>
                <p class="note">"4 × 8 weights + 1 bias."</p>
            </section>
            <section class="panel card">
                <h3>"CNN"</h3>
                <p>{move || { let c = cnn(); format!(
                    "{} filters of width {} slide along the sequence: each looks at {} bases at a time, so a filter can match TAT or GCG wherever it occurs. ",
                    c.num_filters, c.filter_width, c.filter_width) }}
                   {move || format!("The {} activation follows; a linear layer reads the {} × {} filter responses.",
                    cnn().activation, cnn().num_filters, 8 - cnn().filter_width + 1)}</p>
                <p class="metric" data-testid="params-cnn">{move || format!("{} parameters", thousands(cnn().num_params()))}</p>
                <p class="note">{move || { let c = cnn(); format!(
                    "Convolution {} × 4 × {} + {} biases = {}; dense {} × {} + 1 = {}.",
                    c.num_filters, c.filter_width, c.num_filters, cnn_conv(),
                    c.num_filters, 8 - c.filter_width + 1, c.num_params() - cnn_conv()) }}</p>
            </section>
        </div>
        <p>"Train both on the next page and compare their loss curves: the linear model stalls near MSE 13, the CNN keeps falling below 1 (seed 002, Part 4)."</p>
    }
}
