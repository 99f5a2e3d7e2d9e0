//! The comparison page: two stages side by side running the same seed and faults with one
//! setting different, one player bar for both, the first moment their ledgers differ marked
//! on the timeline, and both ledgers in one table with the differing counters flagged.

use crate::i18n::{sim_time, Lang, T};
use crate::player_bar::{PlayerBar, PlayerInput, Speed};
use crate::route::Route;
use crate::stage::Stage;
use crate::state::{CompareState, PRESETS};
use mqlab_scenario::frame::LedgerSummary;
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

type Counter = (&'static str, T, fn(&LedgerSummary) -> u32);

const COUNTERS: [Counter; 13] = [
    ("produced", T::Produced, |l| l.produced),
    ("acknowledged", T::Acknowledged, |l| l.acknowledged),
    ("visible", T::Visible, |l| l.visible),
    ("lost", T::Lost, |l| l.lost),
    ("unavailable", T::Unavailable, |l| l.unavailable),
    ("failed", T::Failed, |l| l.failed),
    ("duplicated", T::Duplicated, |l| l.duplicated),
    ("delivered", T::Delivered, |l| l.delivered),
    ("redelivered", T::Redelivered, |l| l.redelivered),
    ("consumed", T::ConsumedCount, |l| l.consumed),
    ("processed", T::ProcessedCount, |l| l.processed),
    ("store-duplicates", T::StoreDuplicates, |l| {
        l.store_duplicates
    }),
    ("skipped", T::Skipped, |l| l.skipped),
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
    let rows = COUNTERS.iter().map(|(id, label, get)| {
        let (l, r) = (get(left), get(right));
        let differs = l != r;
        html! {
            <tr class={classes!(differs.then_some("differs"))} data-testid={format!("compare-row-{id}")}>
                <th scope="row">{ label.get(lang) }</th>
                <td data-testid={format!("compare-{id}-left")}>{ l }</td>
                <td data-testid={format!("compare-{id}-right")}>{ r }</td>
                <td class="mark">{ if differs { "≠" } else { "" } }</td>
            </tr>
        }
    });
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
