//! Small reusable pieces of the page.

pub mod any_backend;
pub mod binary_report;
pub mod export;
pub mod fields;
pub mod live;
pub mod my_runs;
pub mod plot_canvas;
pub mod class_panel;
pub mod share;

use leptos::prelude::*;

/// The CSS selector of every [`ScrollX`] region (its class).
pub const SCROLL_X_SELECTOR: &str = ".table-scroll";

/// A box that scrolls sideways when what it holds (a wide table, a 200-nt sequence) is wider
/// than the screen, so the page itself never does. It is a named region the keyboard can reach
/// (WCAG 2.1.1: a scrollable region must be focusable), and it scrolls with the arrow keys.
#[component]
pub fn ScrollX(
    /// What the region holds, read by a screen reader, e.g. "Spot checks".
    #[prop(into)]
    label: String,
    /// `data-testid` of the region.
    #[prop(into, optional)]
    testid: Option<String>,
    /// Extra classes, e.g. "seq-line".
    #[prop(into, optional)]
    class: Option<String>,
    children: Children,
) -> impl IntoView {
    let base = SCROLL_X_SELECTOR.trim_start_matches('.');
    let class = match class {
        Some(c) => format!("{base} {c}"),
        None => base.to_string(),
    };
    view! { <div class=class tabindex="0" role="region" aria-label=label data-testid=testid>{children()}</div> }
}
