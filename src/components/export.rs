//! Export from every lesson (issue 27): each plot offers PNG and SVG, each table CSV, and every
//! file names the link that made it (PNG `iTXt` chunks, SVG `<metadata>`, a CSV header
//! comment: [`dnaplay_plots::export`]). The SVG is drawn by the plot's own drawing code on
//! plotters' SVG backend, kept by [`redraw_exportable`](super::plot_canvas::redraw_exportable).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use dnaplay_plots::Theme;
use dnaplay_plots::export::{csv_header, file_name, png_with_text, svg_with_metadata};
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::components::any_backend::AnyBackend;
use crate::components::plot_canvas::PlotEnv;
use crate::download::{DownloadError, download};

/// A plot's drawing, as [`redraw_exportable`](super::plot_canvas::redraw_exportable) was given it.
pub type Drawing = Rc<dyn Fn(&DrawingArea<AnyBackend<'_>, Shift>, &Theme)>;

thread_local! {
    /// The latest drawing of each exportable canvas, by the canvas's `data-testid`, with its
    /// number in [`KEPT`] (so that a cleanup removes only its own drawing).
    static DRAWINGS: RefCell<HashMap<String, (u64, Drawing)>> = RefCell::new(HashMap::new());
    /// How many drawings have been kept, for numbering them.
    static KEPT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Keep `draw` for the SVG export of the canvas `node`: it is drawn again at the canvas's size
/// in CSS pixels when the export is asked for. A plot whose canvas drawing has side effects (the
/// parity plot's hover frame) keeps a plain drawing here.
///
/// Called from a plot's effect, the entry is dropped again when the effect reruns or its lesson
/// is closed, so that a closed lesson's data is not kept alive by its export (a drawing may hold
/// a whole dataset). An entry already replaced by a newer drawing is left alone.
pub fn keep_drawing(node: &NodeRef<Canvas>, draw: Drawing) {
    let Some(id) = node.get_untracked().and_then(|c| c.get_attribute("data-testid")) else { return };
    let generation = KEPT.with(|k| {
        k.set(k.get().wrapping_add(1));
        k.get()
    });
    DRAWINGS.with(|d| d.borrow_mut().insert(id.clone(), (generation, draw)));
    on_cleanup(move || {
        let _ = DRAWINGS.try_with(|d| {
            let mut d = d.borrow_mut();
            if d.get(&id).is_some_and(|(g, _)| *g == generation) {
                d.remove(&id);
            }
        });
    });
}

/// The canvas's size in CSS pixels, as [`redraw`](super::plot_canvas::redraw) set it.
fn css_size(canvas: &web_sys::HtmlCanvasElement) -> (u32, u32) {
    let style = web_sys::HtmlElement::style(canvas);
    let px = |p: &str| style.get_property_value(p).ok().and_then(|v| v.trim_end_matches("px").parse::<f64>().ok()).map(|v| v.round() as u32);
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let fallback = |n: u32| (f64::from(n) / ratio).round() as u32;
    (px("width").unwrap_or_else(|| fallback(canvas.width())), px("height").unwrap_or_else(|| fallback(canvas.height())))
}

/// Why an export did not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The plot has not been drawn yet.
    #[error("nothing to export yet: the plot has not been drawn")]
    NotDrawn,
    /// The canvas gave no PNG, or the PNG could not be given its text.
    #[error("the picture could not be read: {0}")]
    Picture(String),
    /// The browser refused the download.
    #[error(transparent)]
    Download(#[from] DownloadError),
}

/// The page's whole address: the link that restores the settings a figure was made with.
pub fn page_link() -> String {
    web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default()
}

/// The lesson's link name, for file names: `train` in `dnaplay-train-loss.png`.
fn lesson_slug() -> String {
    let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    dnaplay_state::Settings::from_query(&query).0.lesson.slug().to_string()
}

/// The drawing [`keep_drawing`] kept for `canvas` (by its `data-testid`), if any.
fn kept_drawing(canvas: &web_sys::HtmlCanvasElement) -> Option<Drawing> {
    let id = canvas.get_attribute("data-testid")?;
    DRAWINGS.with(|d| d.borrow().get(&id).map(|(_, draw)| draw.clone()))
}

/// The canvas's kept drawing ([`keep_drawing`]) drawn again on a canvas of its own, at the same
/// size and pixel ratio: what the PNG shows, without what the page draws on top (the parity
/// plot's hover frame). `None` when no drawing is kept, or no canvas can be made.
fn redrawn_offscreen(canvas: &web_sys::HtmlCanvasElement, contrast: bool) -> Option<web_sys::HtmlCanvasElement> {
    use wasm_bindgen::JsCast;
    let draw = kept_drawing(canvas)?;
    // As `redraw` sized the canvas: its backing store is the CSS size times the pixel ratio.
    let ratio = web_sys::window()?.device_pixel_ratio().max(1.0);
    let copy: web_sys::HtmlCanvasElement = web_sys::window()?.document()?.create_element("canvas").ok()?.dyn_into().ok()?;
    copy.set_width(canvas.width());
    copy.set_height(canvas.height());
    let backend = plotters_canvas::CanvasBackend::with_canvas_object(copy.clone())?;
    let area = AnyBackend::Canvas(backend).into_drawing_area();
    draw(&area, &Theme::scaled(ratio).with_contrast(contrast));
    let _ = area.present();
    Some(copy)
}

/// The plot's picture as PNG bytes, with `title` and the page's link as `iTXt` chunks: its kept
/// drawing redrawn ([`redrawn_offscreen`]), else the canvas as it is on screen.
fn png_of(canvas: &web_sys::HtmlCanvasElement, title: &str, contrast: bool) -> Result<Vec<u8>, ExportError> {
    let copy = redrawn_offscreen(canvas, contrast);
    let url = copy.as_ref().unwrap_or(canvas).to_data_url_with_type("image/png").map_err(|e| ExportError::Picture(format!("{e:?}")))?;
    let b64 = url.split_once(',').map(|(_, b)| b).ok_or_else(|| ExportError::Picture("not a data URL".into()))?;
    let binary = web_sys::window().ok_or(ExportError::Picture("no window".into()))?.atob(b64).map_err(|e| ExportError::Picture(format!("{e:?}")))?;
    let bytes: Vec<u8> = binary.chars().map(|c| c as u32 as u8).collect();
    png_with_text(&bytes, &[("Title", title), ("Source", &page_link()), ("Software", "DNA Playground")]).map_err(|e| ExportError::Picture(e.to_string()))
}

/// The canvas's kept drawing, drawn again as an SVG document with `title` and the page's link.
fn svg_of(canvas: &web_sys::HtmlCanvasElement, title: &str, contrast: bool) -> Result<String, ExportError> {
    let draw = kept_drawing(canvas).ok_or(ExportError::NotDrawn)?;
    let size = css_size(canvas);
    let mut out = String::new();
    {
        let area = AnyBackend::Svg(SVGBackend::with_string(&mut out, size)).into_drawing_area();
        draw(&area, &Theme::scaled(1.0).with_contrast(contrast));
        let _ = area.present();
    }
    Ok(svg_with_metadata(&out, title, &page_link()))
}

/// "The loss curves:" from "the loss curves": the words before an export's buttons.
fn capitalised(title: &str) -> String {
    let mut c = title.chars();
    c.next().map(|f| f.to_uppercase().chain(c).chain(std::iter::once(':')).collect()).unwrap_or_default()
}

/// PNG and SVG buttons for one plot, hidden with the other exports by `hide=export`. Files are
/// named by [`file_name`], `dnaplay-<lesson>-<name>.png` / `.svg`; the buttons get the test ids `<name>-png` and
/// `<name>-svg`.
#[component]
pub fn PlotExport(
    /// The plot's canvas, drawn with [`redraw_exportable`](super::plot_canvas::redraw_exportable).
    canvas: NodeRef<Canvas>,
    /// A short name for files and test ids, unique on the page, e.g. "train-loss".
    name: &'static str,
    /// What the plot shows, for the buttons' labels and the files' titles, e.g. "the loss curves".
    title: &'static str,
) -> impl IntoView {
    let (error, set_error) = signal(None::<String>);
    let contrast = use_context::<PlotEnv>().map(|e| e.contrast);
    let export = move |svg: bool| {
        let result = (|| {
            let c = canvas.get_untracked().ok_or(ExportError::NotDrawn)?;
            let lesson = lesson_slug();
            let what = format!("DNA Playground: {title}");
            let contrast = contrast.is_some_and(|c| c.get_untracked());
            if svg {
                let doc = svg_of(&c, &what, contrast)?;
                download(&file_name(&lesson, name, "svg"), "image/svg+xml", doc.as_bytes())?;
            } else {
                download(&file_name(&lesson, name, "png"), "image/png", &png_of(&c, &what, contrast)?)?;
            }
            Ok::<(), ExportError>(())
        })();
        set_error.set(result.err().map(|e| e.to_string()));
    };
    view! {
        <span class="plot-export" data-setting="export">
            <span class="what" aria-hidden="true">{capitalised(title)}</span>
            <button type="button" data-testid=format!("{name}-png") aria-label=format!("Download {title} as PNG") on:click=move |_| export(false)>"PNG"</button>
            <button type="button" data-testid=format!("{name}-svg") aria-label=format!("Download {title} as SVG") on:click=move |_| export(true)>"SVG"</button>
            {move || error.get().map(|e| view! { <span class="error" role="alert">{e}</span> })}
        </span>
    }
}

/// A table as CSV text (the `csv` crate: fields quoted where they need it), `header` first.
pub fn csv_table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    w.into_inner().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
}

/// A CSV button for one table: `rows` gives the table (a header line, then rows), and the file
/// starts with [`csv_header`]'s comment naming `title` and the page's link. Test id
/// `<name>-csv`; file `dnaplay-<lesson>-<name>.csv` ([`file_name`]).
#[component]
pub fn CsvExport(
    /// A short name for the file and the test id, e.g. "train-history".
    name: &'static str,
    /// What the table holds, e.g. "the loss per epoch".
    title: &'static str,
    /// The table as CSV, made when the button is pressed; `None` while there is nothing yet.
    rows: Callback<(), Option<String>>,
) -> impl IntoView {
    let (error, set_error) = signal(None::<String>);
    let export = move |_| {
        let result = match rows.run(()) {
            None => Err("nothing to export yet".to_string()),
            Some(body) => {
                let text = format!("{}{body}", csv_header(&format!("DNA Playground: {title}"), &page_link()));
                download(&file_name(&lesson_slug(), name, "csv"), "text/csv", text.as_bytes()).map_err(|e| e.to_string())
            }
        };
        set_error.set(result.err());
    };
    view! {
        <span class="plot-export" data-setting="export">
            <span class="what" aria-hidden="true">{capitalised(title)}</span>
            <button type="button" data-testid=format!("{name}-csv") aria-label=format!("Download {title} as CSV") on:click=export>"CSV"</button>
            {move || error.get().map(|e| view! { <span class="error" role="alert">{e}</span> })}
        </span>
    }
}
