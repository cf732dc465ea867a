//! DNA Playground's web app: a Leptos single-page app over the `dnaplay-model` crate.
//!
//! This first version is the shell the lessons will fill: a title page that builds with Trunk.

use leptos::prelude::*;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="top">
            <h1>"DNA Playground"</h1>
            <p class="tagline">"Learn deep learning on DNA, in your browser."</p>
        </header>
        <main class="lesson">
            <h2>"Coming next: the 8-mer lessons"</h2>
            <p>
                "Score every 8-mer with a simple rule (A = 20, C = 17, G = 14, T = 11, "
                <code>"TAT"</code>" +10, "<code>"GCG"</code>" −10), one-hot encode it, and train a "
                "linear model and a CNN to predict the score, live on your GPU."
            </p>
            <p class="note">"Until then, the same models train from the command line: "<code>"dnaplay train"</code>"."</p>
        </main>
    }
}
