//! Labelled form controls. Every control's visible label is also its accessible name.

use leptos::prelude::*;

/// A labelled text field for a number. The text the student typed stays in the field; when it
/// is not valid, `on_input` returns a message that is shown under the field and the setting
/// keeps its last valid value.
#[component]
pub fn NumberField(
    /// The visible label, also the field's accessible name.
    #[prop(into)]
    label: String,
    /// The current value, as text.
    value: Signal<String>,
    /// Called with the typed text; returns an error message when the text is not valid.
    on_input: impl Fn(String) -> Option<String> + 'static,
) -> impl IntoView {
    let (problem, set_problem) = signal(None::<String>);
    // A value set elsewhere (a loaded checkpoint's data) reaches the field, unless the student
    // is typing in it: their text is never overwritten.
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        let v = value.get();
        if let Some(el) = input.get() {
            let focused = document().active_element().is_some_and(|a| a.is_same_node(Some(&el)));
            if !focused && el.value() != v {
                el.set_value(&v);
                set_problem.set(None);
            }
        }
    });
    let key = dnaplay_state::hide_key(&label);
    view! {
        <label class="number" data-setting=key>
            {label}" "
            <input type="text" inputmode="decimal" node_ref=input prop:value=move || value.get_untracked()
                aria-invalid=move || problem.get().is_some().to_string()
                on:input=move |ev| set_problem.set(on_input(event_target_value(&ev))) />
            {move || problem.get().map(|p| view! { <span class="field-error" role="alert">{p}</span> })}
        </label>
    }
}

/// A labelled drop-down over one of the model crate's named choices (model, activation,
/// optimizer): options show their short names, as typed in links and on the command line.
#[component]
pub fn ChoiceSelect<T, F>(
    /// The visible label, also the select's accessible name.
    label: &'static str,
    /// Every option, in menu order.
    options: &'static [T],
    /// The current choice.
    value: Signal<T>,
    /// Called with the option picked.
    on_pick: F,
) -> impl IntoView
where
    T: Copy + std::fmt::Display + std::str::FromStr + Send + Sync + 'static,
    F: Fn(T) + 'static,
{
    view! {
        <label data-setting=dnaplay_state::hide_key(label)>
            {label}" "
            <select prop:value=move || value.get().to_string() on:change=move |ev| {
                if let Ok(v) = event_target_value(&ev).parse::<T>() {
                    on_pick(v);
                }
            }>
                {options.iter().map(|o| view! { <option value=o.to_string()>{o.to_string()}</option> }).collect_view()}
            </select>
        </label>
    }
}
