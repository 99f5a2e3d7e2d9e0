//! The comparison page: two stages side by side running the same seed and faults with one
//! setting different, one player bar for both, the first moment their ledgers differ marked
//! on the timeline, and both ledgers in one table with the differing counters flagged.

use crate::i18n::{self, sim_time, Lang, T};
use crate::panels::player_bar::{PlayerBar, PlayerInput, Speed};
use crate::route::Route;
use crate::stage::Stage;
use crate::state::{CompareState, PRESETS};
use mqlab_scenario::compare::{Counter, Outcome};
use mqlab_scenario::counters::{self, LedgerCounter};
use yew::prelude::*;

#[derive(Properties)]
pub struct CompareViewProps {
    pub lang: Lang,
    pub compare: CompareState,
    pub playing: bool,
    pub speed: Speed,
    pub reduced_motion: bool,
    pub on_input: Callback<PlayerInput>,
    pub on_divergence: Callback<()>,
}

impl PartialEq for CompareViewProps {
    fn eq(&self, other: &Self) -> bool {
        self.lang == other.lang
            && std::rc::Rc::ptr_eq(&self.compare.spec, &other.compare.spec)
            && self.compare.index == other.compare.index
            && self.playing == other.playing
            && self.speed == other.speed
            && self.reduced_motion == other.reduced_motion
    }
}

/// The rows of the two ledgers, from the ledger's counter table: all but those that part on
/// timing alone (pending, out of order, repeats stopped).
const ROWS: [LedgerCounter; 13] = [
    counters::PRODUCED,
    counters::ACKNOWLEDGED,
    counters::VISIBLE,
    counters::LOST,
    counters::UNAVAILABLE,
    counters::FAILED,
    counters::DUPLICATED,
    counters::DELIVERED,
    counters::REDELIVERED,
    counters::CONSUMED,
    counters::PROCESSED,
    counters::STORE_DUPLICATES,
    counters::SKIPPED,
];

#[function_component(CompareView)]
pub fn compare_view(props: &CompareViewProps) -> Html {
    let lang = props.lang;
    let c = &props.compare;
    let spec = &c.spec;
    let current = PRESETS.iter().position(|p| {
        p.example == spec.example
            && p.setting == spec.setting
            && p.left == spec.left
            && p.right == spec.right
    });
    let on_pick = Callback::from(|e: Event| {
        let i: usize = e
            .target_unchecked_into::<web_sys::HtmlSelectElement>()
            .value()
            .parse()
            .unwrap_or(0);
        if let Some(p) = PRESETS.get(i) {
            let fragment = Route::compare_fragment(p.example, p.setting, p.left, p.right);
            let _ = gloo::utils::window().location().set_hash(&fragment);
        }
    });
    let options = PRESETS.iter().enumerate().map(|(i, p)| {
        let title = if lang == Lang::Zh {
            p.title.1
        } else {
            p.title.0
        };
        html! { <option value={i.to_string()} selected={current == Some(i)}>{ title }</option> }
    });
    let side = |testid: &'static str, value: &str, frame: &std::rc::Rc<mqlab_scenario::Frame>| {
        html! {
            <section class="compare-side" data-testid={testid} aria-label={format!("{} = {value}", spec.setting)}>
                <h3><code>{ format!("{} = {value}", spec.setting) }</code></h3>
                <Stage frame={frame.clone()} {lang} clock_ms={frame.time_ms as f64}
                    reduced_motion={props.reduced_motion} selected_message={None::<u32>} on_node={Callback::noop()} />
            </section>
        }
    };
    let (left, right) = (&c.left.ledger, &c.right.ledger);
    let rows = ROWS.iter().map(|counter| {
        let (id, label) = (counter.slug, counter.label(lang, false));
        let (l, r) = (counter.of(left), counter.of(right));
        let differs = l != r;
        html! {
            <tr class={classes!(differs.then_some("differs"))} data-testid={format!("compare-row-{id}")}>
                <th scope="row">{ label }</th>
                <td data-testid={format!("compare-{id}-left")}>{ l }</td>
                <td data-testid={format!("compare-{id}-right")}>{ r }</td>
                <td class="mark">{ if differs { "≠" } else { "" } }</td>
            </tr>
        }
    });
    let headline = headline(lang, spec, &c.outcome, c.index, props);
    let divergence = match &c.divergence {
        Some(d) => {
            let at = match c.index.cmp(&d.index) {
                std::cmp::Ordering::Less => "ahead",
                std::cmp::Ordering::Equal => "here",
                std::cmp::Ordering::Greater => "past",
            };
            let jump = props.on_divergence.reform(|_: MouseEvent| ());
            html! {
                <div class={classes!("divergence", at)} data-testid="compare-divergence" data-at={at}>
                    <p>
                        <strong>{ if at == "here" { T::DivergesHere.get(lang) } else { T::FirstDivergence.get(lang) } }</strong>
                        { format!(" {} — {}", sim_time(d.time_ms), d.what.get(lang)) }
                    </p>
                    <button type="button" data-testid="compare-jump" onclick={jump}>{ T::JumpToDivergence.get(lang) }</button>
                </div>
            }
        }
        None => html! {
            <div class="divergence" data-testid="compare-divergence"><p>{ T::NeverDiverge.get(lang) }</p></div>
        },
    };
    html! {
        <main class="main compare-main" data-testid="compare">
            <div class="compare-intro">
                <h2>{ format!("{}: {} = {} / {}", T::Compare.get(lang), spec.setting, spec.left, spec.right) }</h2>
                <label class="picker">
                    <span>{ T::Comparison.get(lang) }</span>
                    <select data-testid="compare-picker" aria-label={T::Comparison.get(lang)} onchange={on_pick}>
                        if current.is_none() {
                            <option selected=true>{ format!("{} · {}", spec.example, spec.setting) }</option>
                        }
                        { for options }
                    </select>
                </label>
            </div>
            { headline }
            { divergence }
            <div class="compare-stages">
                { side("compare-left", &spec.left, &c.left) }
                { side("compare-right", &spec.right, &c.right) }
            </div>
            <PlayerBar {lang} step={c.index as u64} total={c.last() as u64} time_ms={c.times.get(c.index).copied().unwrap_or(0)}
                playing={props.playing} speed={props.speed} marks={c.marks.clone()} on_input={props.on_input.clone()} />
            <table class="compare-ledger" data-testid="compare-ledger">
                <caption>{ T::BothLedgers.get(lang) }</caption>
                <thead><tr>
                    <th scope="col">{ T::Ledger.get(lang) }</th>
                    <th scope="col"><code>{ format!("{} = {}", spec.setting, spec.left) }</code></th>
                    <th scope="col"><code>{ format!("{} = {}", spec.setting, spec.right) }</code></th>
                    <th scope="col"><span class="sr-only">{ T::Differs.get(lang) }</span></th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </main>
    }
}

/// One side's end in words: what went wrong in full, what did not in short
/// ("5 acknowledged messages lost" / "0 lost").
pub fn side_outcome(
    lang: Lang,
    outcome: &Outcome,
    left: bool,
    rabbit: bool,
) -> Vec<(Counter, u32, String)> {
    let mut parts: Vec<(Counter, u32, String)> = Vec::new();
    for full in [true, false] {
        for d in &outcome.decisive {
            let n = if left { d.left } else { d.right };
            if (n > 0) == full {
                parts.push((
                    d.counter,
                    n,
                    i18n::outcome_phrase(lang, d.counter, n, full, rabbit),
                ));
            }
        }
    }
    parts
}

/// The headline in plain text, as it reads on the page (for tests and the screen reader).
pub fn headline_text(
    lang: Lang,
    spec: (&str, &str, &str),
    outcome: &Outcome,
    rabbit: bool,
) -> String {
    let (setting, left, right) = spec;
    let sep = if lang == Lang::Zh { "，" } else { ", " };
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    // After a heading that ends in a colon: a space in English, none after "："。
    let lead = if lang == Lang::Zh { "" } else { " " };
    if outcome.decisive.is_empty() {
        let all: Vec<String> = Counter::ALL
            .iter()
            .map(|&k| i18n::outcome_phrase(lang, k, k.of(&outcome.left), false, rabbit))
            .collect();
        return format!("{}{lead}{}", T::EndAlike.get(lang), all.join(sep));
    }
    let side = |value: &str, is_left: bool| {
        let parts: Vec<String> = side_outcome(lang, outcome, is_left, rabbit)
            .into_iter()
            .map(|(_, _, p)| p)
            .collect();
        format!("{setting}={value}{colon}{}", parts.join(sep))
    };
    format!(
        "{}{lead}{} · {}",
        T::OutcomeHeading.get(lang),
        side(left, true),
        side(right, false)
    )
}

/// The result of the whole run, first: each side's end in words for the counters that
/// matter and differ, and the moment that caused it.
fn headline(
    lang: Lang,
    spec: &mqlab_scenario::compare::CompareSpec,
    outcome: &Outcome,
    index: usize,
    props: &CompareViewProps,
) -> Html {
    let sep = if lang == Lang::Zh { "，" } else { ", " };
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    let rabbit = !props.compare.left.queues.is_empty();
    if outcome.decisive.is_empty() {
        let text = headline_text(
            lang,
            (&spec.setting, &spec.left, &spec.right),
            outcome,
            rabbit,
        );
        return html! {
            <section class="compare-headline alike" data-testid="compare-headline" data-decisive="">
                <p class="headline-text">{ text }</p>
            </section>
        };
    }
    let side = |value: &str, is_left: bool| {
        let which = if is_left { "left" } else { "right" };
        let parts = side_outcome(lang, outcome, is_left, rabbit);
        let bad = parts.iter().any(|(_, n, _)| *n > 0);
        let n = parts.len();
        let parts = parts
            .into_iter()
            .enumerate()
            .map(|(i, (counter, value, phrase))| {
                html! {
                    <>
                        <span class={classes!("phrase", (value > 0).then_some("bad"))}
                            data-testid={format!("compare-headline-{which}-{}", counter.id())}
                            data-value={value.to_string()}>{ phrase }</span>
                        if i + 1 < n { { sep } }
                    </>
                }
            });
        html! {
            <span class={classes!("headline-side", bad.then_some("bad"))} data-testid={format!("compare-headline-{which}")}>
                <code>{ format!("{}={value}", spec.setting) }</code>{ colon }{ for parts }
            </span>
        }
    };
    let moment = outcome.moment().map(|m| {
        let here = index == m.index;
        let jump = {
            let on_input = props.on_input.clone();
            let playing = props.playing;
            let step = m.index as u64;
            Callback::from(move |_: MouseEvent| {
                if playing {
                    on_input.emit(PlayerInput::PlayPause);
                }
                on_input.emit(PlayerInput::Seek(step));
            })
        };
        let when = i18n::outcome_moment(lang, m.counter, m.time_ms);
        html! {
            <p class="headline-moment" data-testid="compare-moment" data-step={m.index.to_string()}
                data-counter={m.counter.id()} data-at={if here { "here" } else { "elsewhere" }}>
                if here {
                    <strong>{ T::OutcomeMomentHere.get(lang) }</strong>
                    { if lang == Lang::Zh { when } else { format!(" {when}") } }
                } else {
                    <button type="button" data-testid="compare-moment-jump" onclick={jump}>
                        { format!("{} — {when}", T::OutcomeMomentJump.get(lang)) }
                    </button>
                }
            </p>
        }
    });
    html! {
        <section class="compare-headline" data-testid="compare-headline"
            data-decisive={outcome.decisive.first().map_or("", |d| d.counter.id())}>
            <p class="headline-text">
                <span class="headline-lead">{ T::OutcomeHeading.get(lang) }</span>
                { if lang == Lang::Zh { "" } else { " " } }
                { side(&spec.left, true) }
                <span class="headline-sep" aria-hidden="true">{ " · " }</span>
                { side(&spec.right, false) }
            </p>
            { for moment }
        </section>
    }
}
