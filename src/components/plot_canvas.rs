//! A canvas that plotters draws on, sharp on HiDPI screens: the backing store is the CSS size
//! times `devicePixelRatio`, and the theme scales fonts and strokes by the same factor
//! (plotters-canvas ignores the ratio, plotters issue 164).

use dnaplay_plots::Theme;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// Size the canvas for the screen and run `draw` on it.
pub fn redraw(node: &NodeRef<Canvas>, css_width: u32, css_height: u32, draw: impl FnOnce(&DrawingArea<CanvasBackend, Shift>, &Theme)) {
    let Some(canvas) = node.get_untracked() else { return };
    let ratio = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0);
    canvas.set_width((css_width as f64 * ratio).round() as u32);
    canvas.set_height((css_height as f64 * ratio).round() as u32);
    let style = web_sys::HtmlElement::style(&canvas);
    let _ = style.set_property("width", &format!("{css_width}px"));
    let _ = style.set_property("height", &format!("{css_height}px"));
    let Some(backend) = CanvasBackend::with_canvas_object(canvas) else { return };
    let area = backend.into_drawing_area();
    draw(&area, &Theme::scaled(ratio));
    let _ = area.present();
}
