//! A canvas that plotters draws on:
//! - sharp on HiDPI screens: the backing store is the CSS size times `devicePixelRatio`, and the
//!   theme scales fonts and strokes by the same factor (plotters-canvas ignores the ratio,
//!   plotters issue 164);
//! - as wide as it may be: each drawing asks for a width, and on a narrower screen (a phone, a
//!   tablet in portrait) it is drawn at the width the layout gives it, with fonts at their
//!   normal size, rather than shrunk; it is drawn again when the window's width changes;
//! - in the page's palette: high contrast (`contrast=1`) redraws every plot in
//!   [`Theme::with_contrast`]'s colours;
//! - readable without sight: [`describe`] gives it a text alternative with its key numbers.

use dnaplay_plots::Theme;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::components::any_backend::AnyBackend;

/// Narrowest width a plot is drawn at, in CSS pixels.
const MIN_WIDTH: u32 = 200;

/// What every canvas follows, provided by the app ([`provide_plot_env`]): the high-contrast
/// setting and the window's width.
#[derive(Clone, Copy)]
pub struct PlotEnv {
    /// High contrast (the page's `contrast=1`).
    pub contrast: Signal<bool>,
    /// The window's inner width in CSS pixels, updated on resize; read so that plots redraw.
    pub viewport: RwSignal<u32>,
}

/// Provide [`PlotEnv`] to the app's components, with `contrast` and a window width kept up to
/// date by a resize listener (only a change of width counts: a phone's toolbar that hides on
/// scroll changes the height alone).
pub fn provide_plot_env(contrast: Signal<bool>) {
    let viewport = RwSignal::new(window_width());
    // The app lives as long as the page, so the listener is never removed.
    let handle = window_event_listener(leptos::ev::resize, move |_| {
        let w = window_width();
        if w != viewport.get_untracked() {
            viewport.set(w);
        }
    });
    std::mem::forget(handle);
    provide_context(PlotEnv { contrast, viewport });
}

fn window_width() -> u32 {
    web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|v| v.as_f64()).map_or(1280, |v| v as u32)
}

/// The height that goes with `width` for a plot designed at `css_width` × `css_height`: the same
/// height at full width; narrower, the height shrinks with the width, to 62% at most, so a
/// plot on a phone stays tall enough to read.
pub fn fitted_height(css_width: u32, css_height: u32, width: u32) -> u32 {
    if width >= css_width {
        return css_height;
    }
    let shrink = (f64::from(width) / f64::from(css_width)).max(0.62);
    (f64::from(css_height) * shrink).round() as u32
}

/// The width in CSS pixels of an area drawn by [`redraw`] with `theme`.
pub fn css_width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, theme: &Theme) -> u32 {
    (f64::from(area.dim_in_pixel().0) / theme.scale).round() as u32
}

/// Columns of a grid of cells at least `min_cell` CSS pixels wide in `width`: from 1 to
/// `most`.
pub fn columns_for(width: u32, min_cell: u32, most: usize) -> usize {
    ((width / min_cell.max(1)) as usize).clamp(1, most.max(1))
}

/// Size the canvas for the screen and run `draw` on it: `css_width` × `css_height` CSS pixels
/// where there is room, narrower with [`fitted_height`] where there is not.
pub fn redraw(node: &NodeRef<Canvas>, css_width: u32, css_height: u32, draw: impl FnOnce(&DrawingArea<AnyBackend<'_>, Shift>, &Theme)) {
    redraw_sized(node, css_width, |w| fitted_height(css_width, css_height, w), draw);
}

/// [`redraw`], keeping `draw` so the plot's export ([`crate::components::export::PlotExport`])
/// can draw the same picture again as SVG, at the size the canvas was drawn.
pub fn redraw_exportable(node: &NodeRef<Canvas>, css_width: u32, css_height: u32, draw: impl Fn(&DrawingArea<AnyBackend<'_>, Shift>, &Theme) + 'static) {
    redraw_sized_exportable(node, css_width, |w| fitted_height(css_width, css_height, w), draw);
}

/// [`redraw_sized`], keeping `draw` for the plot's export as [`redraw_exportable`] does.
pub fn redraw_sized_exportable(node: &NodeRef<Canvas>, css_width: u32, height_for: impl FnOnce(u32) -> u32, draw: impl Fn(&DrawingArea<AnyBackend<'_>, Shift>, &Theme) + 'static) {
    let draw = std::rc::Rc::new(draw);
    let d = draw.clone();
    if redraw_sized(node, css_width, height_for, move |a, t| d(a, t)).is_some() {
        crate::components::export::keep_drawing(node, draw);
    }
}

/// [`redraw`] with the height computed from the width the canvas gets (a grid whose columns
/// depend on it, see [`columns_for`]).
pub fn redraw_sized(node: &NodeRef<Canvas>, css_width: u32, height_for: impl FnOnce(u32) -> u32, draw: impl FnOnce(&DrawingArea<AnyBackend<'_>, Shift>, &Theme)) -> Option<(u32, u32)> {
    // Read (and so follow) the contrast and the window's width.
    let env = use_context::<PlotEnv>();
    let contrast = env.is_some_and(|e| e.contrast.get());
    if let Some(e) = env {
        e.viewport.track();
    }
    let canvas = node.get_untracked()?;
    let style = web_sys::HtmlElement::style(&canvas);
    // Ask the layout how wide the canvas may be (the stylesheet caps it at 100% of its box).
    let _ = style.set_property("width", &format!("{css_width}px"));
    let laid_out = canvas.get_bounding_client_rect().width();
    let width = if laid_out >= 1.0 { (laid_out.floor() as u32).clamp(MIN_WIDTH.min(css_width), css_width) } else { css_width };
    let height = height_for(width);
    let ratio = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0);
    canvas.set_width((f64::from(width) * ratio).round() as u32);
    canvas.set_height((f64::from(height) * ratio).round() as u32);
    let _ = style.set_property("width", &format!("{width}px"));
    let _ = style.set_property("height", &format!("{height}px"));
    let backend = CanvasBackend::with_canvas_object(canvas)?;
    let area = AnyBackend::Canvas(backend).into_drawing_area();
    draw(&area, &Theme::scaled(ratio).with_contrast(contrast));
    let _ = area.present();
    Some((width, height))
}

/// Give the canvas a text alternative a screen reader reads: `role="img"` and `summary` as its
/// accessible name, e.g. "Loss curves: validation loss over 50 epochs, from 14.2 to 0.93".
pub fn describe(node: &NodeRef<Canvas>, summary: &str) {
    if let Some(canvas) = node.get_untracked() {
        let _ = canvas.set_attribute("role", "img");
        let _ = canvas.set_attribute("aria-label", summary);
    }
}

/// A pointer position over a canvas drawn by [`redraw`], in backend pixels: the event's offset
/// in CSS pixels times the backing store's pixels per CSS pixel.
pub fn backend_point(canvas: &web_sys::HtmlCanvasElement, offset_x: i32, offset_y: i32) -> (f64, f64) {
    let rect = canvas.get_bounding_client_rect();
    let sx = if rect.width() > 0.0 { f64::from(canvas.width()) / rect.width() } else { 1.0 };
    let sy = if rect.height() > 0.0 { f64::from(canvas.height()) / rect.height() } else { 1.0 };
    (f64::from(offset_x) * sx, f64::from(offset_y) * sy)
}

/// A grid of sequence logos: [`redraw_sized`] with as many columns (up to `most`) as cells of
/// at least `min_cell` CSS pixels fit, `cell_height` CSS pixels a row, `empty` drawn when there
/// are no logos, and the logos' summary as the canvas's text alternative. The one logo grid of
/// lessons 8, 9, 12 and 13.
pub fn redraw_logos(node: &NodeRef<Canvas>, full_width: u32, most: usize, min_cell: u32, cell_height: u32, logos: &[dnaplay_plots::Logo], empty: &str) {
    let columns = move |width: u32| columns_for(width, min_cell, most);
    let (owned, message) = (logos.to_vec(), empty.to_string());
    let draw = std::rc::Rc::new(move |area: &DrawingArea<AnyBackend<'_>, Shift>, theme: &Theme| {
        if owned.is_empty() {
            let _ = dnaplay_plots::draw_message(area, theme, &message);
        } else {
            let _ = dnaplay_plots::draw_logos(area, &owned, columns(css_width(area, theme)), theme);
        }
    });
    let d = draw.clone();
    if redraw_sized(node, full_width, |w| logos.len().div_ceil(columns(w)).max(1) as u32 * cell_height, move |a, t| d(a, t)).is_some() {
        crate::components::export::keep_drawing(node, draw);
    }
    describe(node, &if logos.is_empty() { empty.to_string() } else { dnaplay_plots::describe::logos(logos) });
}

/// The first-layer logos of a run's filters ([`filter_logos`](dnaplay_model::interpret::filter_logos):
/// the count matrices as information-content logos, in bits), each titled with its best match
/// among the planted motifs when `matched`; none without a snapshot.
pub fn snapshot_logos(snapshot: Option<&dnaplay_protocol::FilterSnapshot>, matched: bool) -> Vec<dnaplay_plots::Logo> {
    let Some(f) = snapshot else { return Vec::new() };
    let matches = matched.then_some(&f.report.matches[..]);
    dnaplay_model::interpret::filter_logos(&f.report.pfms, matches).into_iter().map(dnaplay_plots::Logo::from).collect()
}

/// A run's filters as a grid of logos 760 px wide, at most 4 to a row ([`redraw_logos`]), or
/// `empty` without them: lesson 12's live Fig. 1c cell and lesson 13's runs.
pub fn redraw_filter_grid(node: &NodeRef<Canvas>, snapshot: Option<&dnaplay_protocol::FilterSnapshot>, matched: bool, empty: &str) {
    redraw_logos(node, 760, 4, 180, 110, &snapshot_logos(snapshot, matched), empty);
}

/// Draw `text` in the middle of the area (for "no data yet" and errors) and return it, to be
/// the canvas's text alternative too ([`describe`]).
pub fn note<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, theme: &Theme, text: String) -> String {
    let _ = dnaplay_plots::draw_message(area, theme, &text);
    text
}
