//! The settings tab: the scenario's knobs as a form. Apply hands the values up; the app
//! rebuilds the scenario or shows why it cannot.

use crate::i18n::{Lang, T};
use mqlab_scenario::doc::{AcksDoc, CommitDoc, StoreKindDoc};
use mqlab_scenario::{Knobs, Text};
use yew::prelude::*;

#[derive(Properties, Clone, PartialEq)]
pub struct SettingsProps {
    pub lang: Lang,
    pub knobs: Knobs,
    /// Which Kafka the scenario models.
    pub model_version: &'static str,
    #[prop_or_default]
    pub error: Option<Text>,
    #[prop_or_default]
    pub on_apply: Callback<Knobs>,
}

/// The form's fields as typed, parsed on Apply.
#[derive(Clone, PartialEq)]
struct Form {
    brokers: String,
    partitions: String,
    replication_factor: String,
    min_insync_replicas: String,
    acks: AcksDoc,
    retries: String,
    max_in_flight: String,
    unclean: bool,
    idempotence: bool,
    commit: Option<CommitDoc>,
    auto_commit_interval_ms: String,
    store: Option<StoreKindDoc>,
    seed: String,
}

impl Form {
    fn of(k: &Knobs) -> Form {
        Form {
            brokers: k.brokers.to_string(),
            partitions: k.partitions.to_string(),
            replication_factor: k.replication_factor.to_string(),
            min_insync_replicas: k.min_insync_replicas.to_string(),
            acks: k.acks,
            retries: k.retries.to_string(),
            max_in_flight: k.max_in_flight.to_string(),
            unclean: k.unclean_leader_election,
            idempotence: k.idempotence,
            commit: k.commit,
            auto_commit_interval_ms: k.auto_commit_interval_ms.to_string(),
            store: k.store,
            seed: k.seed.to_string(),
        }
    }

    /// The values, or the label of the first field that is not a whole number.
    fn parse(&self) -> Result<Knobs, T> {
        let n = |s: &str, field: T| s.trim().parse::<u32>().map_err(|_| field);
        Ok(Knobs {
            brokers: n(&self.brokers, T::Brokers)?,
            partitions: n(&self.partitions, T::Partitions)?,
            replication_factor: n(&self.replication_factor, T::ReplicationFactor)?,
            min_insync_replicas: n(&self.min_insync_replicas, T::MinIsr)?,
            acks: self.acks,
            retries: n(&self.retries, T::Retries)?,
            max_in_flight: n(&self.max_in_flight, T::MaxInFlight)?,
            unclean_leader_election: self.unclean,
            idempotence: self.idempotence,
            commit: self.commit,
            auto_commit_interval_ms: self
                .auto_commit_interval_ms
                .trim()
                .parse::<u64>()
                .map_err(|_| T::AutoCommitInterval)?,
            store: self.store,
            seed: self.seed.trim().parse::<u64>().map_err(|_| T::Seed)?,
        })
    }
}

fn acks_value(acks: AcksDoc) -> &'static str {
    match acks {
        AcksDoc::Zero => "0",
        AcksDoc::One => "1",
        AcksDoc::All => "all",
    }
}

#[function_component(Settings)]
pub fn settings(props: &SettingsProps) -> Html {
    let lang = props.lang;
    let form = use_state(|| Form::of(&props.knobs));
    let parse_error = use_state(|| None::<T>);
    {
        // A new scenario brings new knobs: start the form over from them.
        let form = form.clone();
        let parse_error = parse_error.clone();
        use_effect_with(props.knobs.clone(), move |knobs| {
            form.set(Form::of(knobs));
            parse_error.set(None);
        });
    }

    let text_field = |label: T, id: &'static str, value: &str, set: fn(&mut Form, String)| {
        let form = form.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let mut next = (*form).clone();
            set(
                &mut next,
                e.target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            );
            form.set(next);
        });
        html! {
            <div class="field">
                <label for={id}>{ label.get(lang) }</label>
                <input {id} type="number" min="0" inputmode="numeric" value={value.to_string()} {oninput} />
            </div>
        }
    };
    let on_acks = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            let mut next = (*form).clone();
            next.acks = match value.as_str() {
                "0" => AcksDoc::Zero,
                "1" => AcksDoc::One,
                _ => AcksDoc::All,
            };
            form.set(next);
        })
    };
    // A checkbox flips one field of the form.
    let toggle = |field: fn(&mut Form) -> &mut bool| {
        let form = form.clone();
        Callback::from(move |_: Event| {
            let mut next = (*form).clone();
            let value = field(&mut next);
            *value = !*value;
            form.set(next);
        })
    };
    let on_unclean = toggle(|f| &mut f.unclean);
    let on_idempotence = toggle(|f| &mut f.idempotence);
    let onsubmit = {
        let form = form.clone();
        let parse_error = parse_error.clone();
        let on_apply = props.on_apply.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match form.parse() {
                Ok(values) => {
                    parse_error.set(None);
                    on_apply.emit(values);
                }
                Err(field) => parse_error.set(Some(field)),
            }
        })
    };
    let acks_options = [AcksDoc::Zero, AcksDoc::One, AcksDoc::All].map(|a| {
        html! { <option value={acks_value(a)} selected={form.acks == a}>{ format!("acks={}", acks_value(a)) }</option> }
    });
    let error = match (*parse_error, &props.error) {
        (Some(field), _) => Some(format!(
            "{} {} — {}",
            T::Invalid.get(lang),
            field.get(lang),
            T::NotANumber.get(lang)
        )),
        (None, Some(e)) => Some(format!("{} {}", T::Invalid.get(lang), e.get(lang))),
        (None, None) => None,
    };

    html! {
        <form class="settings" {onsubmit} data-testid="settings-form">
            <p class="version">{ format!("{} {}", T::ModelVersion.get(lang), props.model_version) }</p>
            { text_field(T::Brokers, "knob-brokers", &form.brokers, |f, v| f.brokers = v) }
            { text_field(T::Partitions, "knob-partitions", &form.partitions, |f, v| f.partitions = v) }
            { text_field(T::ReplicationFactor, "knob-rf", &form.replication_factor, |f, v| f.replication_factor = v) }
            { text_field(T::MinIsr, "knob-min-isr", &form.min_insync_replicas, |f, v| f.min_insync_replicas = v) }
            <div class="field">
                <label for="knob-acks">{ T::Acks.get(lang) }</label>
                <select id="knob-acks" onchange={on_acks}>{ for acks_options }</select>
            </div>
            <div class="field check">
                <input id="knob-unclean" type="checkbox" checked={form.unclean} onchange={on_unclean} />
                <label for="knob-unclean">{ T::Unclean.get(lang) }</label>
            </div>
            { text_field(T::Retries, "knob-retries", &form.retries, |f, v| f.retries = v) }
            { text_field(T::MaxInFlight, "knob-in-flight", &form.max_in_flight, |f, v| f.max_in_flight = v) }
            <div class="field check">
                <input id="knob-idempotence" type="checkbox" checked={form.idempotence} onchange={on_idempotence} />
                <label for="knob-idempotence">{ T::Idempotence.get(lang) }</label>
            </div>
            { text_field(T::Seed, "knob-seed", &form.seed, |f, v| f.seed = v) }
            <p class="hint">{ T::SettingsHint.get(lang) }</p>
            <button type="submit" class="primary" data-testid="settings-apply">{ T::Apply.get(lang) }</button>
            if let Some(error) = error {
                <p class="error" role="alert" data-testid="settings-error">{ error }</p>
            }
        </form>
    }
}
