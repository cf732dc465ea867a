//! The Share panel (issue 27): an instructor builds a link from the current settings, the
//! lessons to list, the controls to hide and high contrast, copies it, and shows its QR code on
//! the projector for a room of phones. The link is [`Share::link`] (`dnaplay-state`), so it
//! restores exactly what the panel shows; the code is [`qr_svg`] (`dnaplay-plots`).

use dnaplay_plots::qr_svg;
use dnaplay_state::{HIDEABLE, Lesson, Settings, Share};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The page's address without its query: what a shared link starts with.
fn page_base() -> String {
    web_sys::window()
        .map(|w| {
            let l = w.location();
            format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())
        })
        .unwrap_or_default()
}

/// A hidden control's name as the panel lists it: "Model", "Sequences".
fn control_name(name: &str) -> String {
    let mut c = name.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// Copy `text` with the asynchronous clipboard API. Returns `false` where the page has none
/// (an `http:` address other than localhost) or the browser refuses.
async fn copy_text(text: &str) -> bool {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else { return false };
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
    let Ok(clipboard) = clipboard.dyn_into::<web_sys::Clipboard>() else { return false };
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

/// The panel, shown while `open`. Its choices start from the page (every lesson it lists, the
/// controls it hides, its contrast) and are kept while it is closed.
#[component]
pub fn SharePanel(
    /// The page's settings: the link carries all of them.
    settings: RwSignal<Settings>,
    /// Whether the panel is shown (the header's Share button).
    open: RwSignal<bool>,
) -> impl IntoView {
    let share = RwSignal::new(settings.with_untracked(Share::from_settings));
    let base = page_base();
    let link = Memo::new(move |_| settings.with(|s| share.with(|sh| sh.link(&base, s).map_err(|e| e.to_string()))));
    // Drawn only while shown: the code changes with every setting.
    let qr = Memo::new(move |_| if open.get() { link.get().and_then(|l| qr_svg(&l, "QR code of the shared link").map_err(|e| e.to_string())) } else { Ok(String::new()) });
    let (copied, set_copied) = signal(String::new());
    let projector = RwSignal::new(false);
    let field = NodeRef::<html::Input>::new();
    let heading = NodeRef::<html::H2>::new();
    let close_projector = NodeRef::<html::Button>::new();
    // Keyboard: opening the panel moves focus to its heading; the full-screen code to its Close.
    // Opening the panel takes the page's contrast as it is now (the header's button may have
    // changed it since the page loaded); closing it leaves full screen.
    Effect::new(move |_| {
        if open.get() {
            let contrast = settings.with_untracked(|s| s.contrast);
            share.update(|s| s.contrast = contrast);
            if let Some(h) = heading.get() {
                let _ = h.focus();
            }
        } else {
            projector.set(false);
        }
    });
    // "Link copied." holds only for the link it copied.
    Effect::new(move |_| {
        link.track();
        set_copied.set(String::new());
    });
    // Full screen is modal: Escape leaves it wherever the focus is, and Tab stays on its Close
    // button, the one control it shows (the app lives as long as the page).
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if !projector.get_untracked() {
            return;
        }
        match ev.key().as_str() {
            "Escape" => projector.set(false),
            "Tab" => {
                ev.prevent_default();
                if let Some(b) = close_projector.get_untracked() {
                    let _ = b.focus();
                }
            }
            _ => {}
        }
    });
    Effect::new(move |_| {
        if projector.get() && let Some(b) = close_projector.get() {
            let _ = b.focus();
        }
    });
    let copy = move |_| {
        let Ok(text) = link.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            if copy_text(&text).await {
                set_copied.set("Link copied.".into());
            } else {
                if let Some(f) = field.get_untracked() {
                    // select() alone leaves the focus on the button, and Ctrl+C would copy nothing.
                    let _ = f.focus();
                    f.select();
                }
                set_copied.set("This browser did not let the page copy: the link is selected; press Ctrl+C (⌘C on a Mac) to copy it.".into());
            }
        });
    };
    let lesson_box = move |l: Lesson| {
        view! {
            <label>
                <input type="checkbox" data-testid=format!("share-lesson-{}", l.slug())
                    prop:checked=move || share.with(|s| s.lists(l))
                    on:change=move |ev| { let on = event_target_checked(&ev); share.update(|s| s.set_lesson(l, on)); } />
                {format!("{}. {}", l.index() + 1, l.title())}
            </label>
        }
    };
    let hide_box = move |(key, name): (&'static str, &'static str)| {
        view! {
            <label>
                <input type="checkbox" data-testid=format!("share-hide-{key}")
                    prop:checked=move || share.with(|s| s.hide.contains(&key))
                    on:change=move |ev| { let on = event_target_checked(&ev); share.update(|s| s.set_hidden(key, on)); } />
                {control_name(name)}
            </label>
        }
    };
    let all_lessons = move |on: bool| share.update(|s| Lesson::ALL.iter().for_each(|&l| s.set_lesson(l, on)));
    view! {
        <section class="panel share" id="share" data-testid="share-panel" aria-labelledby="share-title" hidden=move || !open.get()>
            <h2 id="share-title" tabindex="-1" node_ref=heading>"Share a link"</h2>
            <p class="note">"The link opens this page with its settings as they are now (model, rates, seed, rule, lesson) and the choices below. Students open it, or scan the code with a phone's camera."</p>
            <div class="share-choices">
                <fieldset>
                    <legend>"Lessons listed"</legend>
                    <div class="buttons">
                        <button type="button" data-testid="share-lessons-all" aria-label="All lessons" on:click=move |_| all_lessons(true)>"All"</button>
                        <button type="button" data-testid="share-lessons-none" aria-label="None of the lessons" on:click=move |_| all_lessons(false)>"None"</button>
                    </div>
                    {Lesson::ALL.into_iter().map(lesson_box).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>"Controls hidden"</legend>
                    {HIDEABLE.into_iter().map(hide_box).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>"Display"</legend>
                    <label>
                        <input type="checkbox" data-testid="share-contrast" prop:checked=move || share.with(|s| s.contrast)
                            on:change=move |ev| { let on = event_target_checked(&ev); share.update(|s| s.contrast = on); } />
                        "High contrast and large text, for a projector"
                    </label>
                </fieldset>
            </div>
            <label class="block" for="share-link">"The link"</label>
            <div class="share-link">
                <input id="share-link" type="text" readonly data-testid="share-link" node_ref=field
                    prop:value=move || link.get().unwrap_or_default()
                    on:focus=move |ev| { if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { t.select(); } } />
                <button type="button" class="primary" data-testid="share-copy" disabled=move || link.with(|l| l.is_err()) on:click=copy>"Copy link"</button>
            </div>
            <p class="status" role="status" data-testid="share-copied">{move || copied.get()}</p>
            {move || match qr.get() {
                Err(e) => view! { <p class="error" role="alert" data-testid="share-error">{e}</p> }.into_any(),
                Ok(svg) => view! {
                    <figure class="share-qr" class:projector=move || projector.get() data-testid="share-qr-figure"
                        role=move || projector.get().then_some("dialog") aria-modal=move || projector.get().then_some("true")
                        aria-label=move || projector.get().then_some("QR code of the shared link, full screen")>
                        <div class="qr" data-testid="share-qr" inner_html=svg></div>
                        <figcaption>
                            <span class="note">"Scan with a phone's camera to open the link."</span>
                            <button type="button" data-testid="share-projector" aria-expanded=move || projector.get().to_string() node_ref=close_projector
                                on:click=move |_| projector.update(|p| *p = !*p)>
                                {move || if projector.get() { "Close (Esc)" } else { "Show the code full screen" }}
                            </button>
                        </figcaption>
                    </figure>
                }.into_any(),
            }}
        </section>
    }
}
