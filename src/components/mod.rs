//! Reusable pieces of the lesson pages.

pub mod plot_canvas;
