//! The player bar: transport buttons, speed, and the scrubbable timeline with its marks.

use crate::i18n::{self, Lang, T};
use crate::stage::layout::Tenths;
use mqlab_scenario::{MarkKind, TimelineMark};
use std::rc::Rc;
use yew::prelude::*;

pub use crate::state::{PlayerInput, Speed};

#[derive(Properties, Clone, PartialEq)]
pub struct PlayerBarProps {
    pub lang: Lang,
    pub step: u64,
    pub total: u64,
    pub time_ms: u64,
    pub playing: bool,
    pub speed: Speed,
    #[prop_or_default]
    pub marks: Rc<Vec<TimelineMark>>,
    #[prop_or_default]
    pub on_input: Callback<PlayerInput>,
}

#[function_component(PlayerBar)]
pub fn player_bar(props: &PlayerBarProps) -> Html {
    let lang = props.lang;
    let at_start = props.step == 0;
    let at_end = props.step >= props.total;
    let button = |input: PlayerInput,
                  testid: &'static str,
                  icon: Icon,
                  label: T,
                  key: &'static str,
                  disabled: bool| {
        let onclick = props.on_input.reform(move |_: MouseEvent| input);
        let title = format!("{} ({key})", label.get(lang));
        html! {
            <button type="button" class="transport" data-testid={testid} aria-label={label.get(lang)}
                title={title} {disabled} {onclick}>{ icon.svg() }</button>
        }
    };
    let (play_icon, play_label) = if props.playing {
        (Icon::Pause, T::Pause)
    } else {
        (Icon::Play, T::Play)
    };

    let on_speed = props.on_input.reform(|e: Event| {
        let value = e
            .target_unchecked_into::<web_sys::HtmlSelectElement>()
            .value();
        PlayerInput::Speed(Speed::parse(&value).unwrap_or(Speed::One))
    });
    let on_scrub = props.on_input.reform(|e: InputEvent| {
        let value = e
            .target_unchecked_into::<web_sys::HtmlInputElement>()
            .value();
        PlayerInput::Seek(value.parse().unwrap_or(0))
    });
    let speeds = Speed::ALL.iter().map(|s| {
        html! { <option value={s.value()} selected={*s == props.speed}>{ s.label(lang) }</option> }
    });
    let total = props.total.max(1) as f64;
    let marks = props.marks.iter().map(|m| {
        let pct = format!("{}%", Tenths(m.step as f64 / total * 100.0));
        let text = m.text(lang).to_string();
        let aria = i18n::mark_aria(lang, m.step, &text);
        let step = m.step;
        let onclick = props.on_input.reform(move |_: MouseEvent| PlayerInput::Seek(step));
        let on_input = props.on_input.clone();
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                on_input.emit(PlayerInput::Seek(step));
            }
        });
        html! {
            <g class={classes!("mark", if m.kind == MarkKind::Fault { "fault" } else { "action" })} role="button" tabindex="0"
                aria-label={aria.clone()} {onclick} {onkeydown}>
                <title>{ aria }</title>
                if m.kind == MarkKind::Fault {
                    <rect x={pct.clone()} y="3" width="10" height="10" transform="translate(-5 0)" />
                } else {
                    <circle cx={pct.clone()} cy="8" r="5" />
                }
            </g>
        }
    });

    html! {
        <section class="player-bar" aria-label={T::Player.get(lang)}>
            <div class="transport-row">
                { button(PlayerInput::Start, "player-start", Icon::Start, T::ToStart, "Home", at_start) }
                { button(PlayerInput::Back, "player-back", Icon::Back, T::StepBack, "←", at_start) }
                { button(PlayerInput::PlayPause, "player-play", play_icon, play_label, "Space", at_end && !props.playing) }
                { button(PlayerInput::Forward, "player-forward", Icon::Forward, T::StepForward, "→", at_end) }
                { button(PlayerInput::End, "player-end", Icon::End, T::ToEnd, "End", at_end) }
                <label class="speed">
                    <span>{ T::Speed.get(lang) }</span>
                    <select data-testid="speed" aria-label={T::Speed.get(lang)} onchange={on_speed}>{ for speeds }</select>
                </label>
                <span class="step-counter" data-testid="step-counter" aria-live="off">
                    { i18n::step_of(lang, props.step, props.total) }
                </span>
                <span class="sim-time" data-testid="sim-time">{ i18n::sim_time(props.time_ms) }</span>
                <span class="hint">{ T::ShortcutsHint.get(lang) }</span>
            </div>
            <div class="timeline-wrap">
                <svg class="marks" width="100%" height="16" role="group" aria-label={T::Timeline.get(lang)}>
                    { for marks }
                </svg>
                <input type="range" class="timeline" data-testid="timeline" min="0"
                    max={props.total.to_string()} value={props.step.to_string()}
                    aria-label={T::Timeline.get(lang)}
                    aria-valuetext={i18n::step_of(lang, props.step, props.total)}
                    oninput={on_scrub} />
            </div>
            if !props.marks.is_empty() {
                <ul class="timeline-legend" aria-hidden="true">
                    if props.marks.iter().any(|m| m.kind == MarkKind::Fault) {
                        <li><span class="swatch mark-fault" />{ T::MarkFaultLegend.get(lang) }</li>
                    }
                    if props.marks.iter().any(|m| m.kind != MarkKind::Fault) {
                        <li><span class="swatch mark-action" />{ T::MarkActionLegend.get(lang) }</li>
                    }
                </ul>
            }
        </section>
    }
}

/// Transport icons drawn as SVG: no font needs to have the glyphs.
#[derive(Clone, Copy)]
enum Icon {
    Start,
    Back,
    Play,
    Pause,
    Forward,
    End,
}

impl Icon {
    fn svg(self) -> Html {
        let shapes = match self {
            Icon::Start => {
                html! { <><rect x="2" y="3" width="2.2" height="10" /><path d="M14 3 5 8l9 5z" /></> }
            }
            Icon::Back => html! { <path d="M12.5 3 4 8l8.5 5z" /> },
            Icon::Play => html! { <path d="M4 2.5 13.5 8 4 13.5z" /> },
            Icon::Pause => {
                html! { <><rect x="3.5" y="3" width="3" height="10" /><rect x="9.5" y="3" width="3" height="10" /></> }
            }
            Icon::Forward => {
                html! { <><path d="M2.5 3 10 8l-7.5 5z" /><rect x="11" y="3" width="2.2" height="10" /></> }
            }
            Icon::End => {
                html! { <><path d="M2 3l9 5-9 5z" /><rect x="11.8" y="3" width="2.2" height="10" /></> }
            }
        };
        html! { <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">{ shapes }</svg> }
    }
}
