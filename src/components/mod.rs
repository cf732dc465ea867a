//! Small reusable pieces of the page.

pub mod fields;
pub mod plot_canvas;
pub mod class_panel;
