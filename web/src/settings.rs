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

const COMMITS: [CommitDoc; 4] = [
    CommitDoc::Auto,
    CommitDoc::SyncAfterProcess,
    CommitDoc::AsyncAfterProcess,
    CommitDoc::SyncBeforeProcess,
];

/// A commit mode: its value in the form, its name and what it means.
pub fn commit_texts(c: CommitDoc) -> (&'static str, T, T) {
    match c {
        CommitDoc::Auto => ("auto", T::CommitAuto, T::CommitAutoHelp),
        CommitDoc::SyncAfterProcess => (
            "sync_after_process",
            T::CommitSyncAfter,
            T::CommitSyncAfterHelp,
        ),
        CommitDoc::AsyncAfterProcess => (
            "async_after_process",
            T::CommitAsyncAfter,
            T::CommitAsyncAfterHelp,
        ),
        CommitDoc::SyncBeforeProcess => (
            "sync_before_process",
            T::CommitSyncBefore,
            T::CommitSyncBeforeHelp,
        ),
    }
}

const STORES: [StoreKindDoc; 5] = [
    StoreKindDoc::PlainInsert,
    StoreKindDoc::UniqueKey,
    StoreKindDoc::LookupUpdate,
    StoreKindDoc::RedisSet,
    StoreKindDoc::SeenSet,
];

/// A store strategy: its value in the form, its name and what it does with a repeat.
pub fn store_texts(k: StoreKindDoc) -> (&'static str, T, T) {
    match k {
        StoreKindDoc::PlainInsert => ("plain_insert", T::StorePlain, T::StorePlainHelp),
        StoreKindDoc::UniqueKey => ("unique_key", T::StoreUnique, T::StoreUniqueHelp),
        StoreKindDoc::LookupUpdate => ("lookup_update", T::StoreLookup, T::StoreLookupHelp),
        StoreKindDoc::RedisSet => ("redis_set", T::StoreRedis, T::StoreRedisHelp),
        StoreKindDoc::SeenSet => ("seen_set", T::StoreSeen, T::StoreSeenHelp),
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
    // A select: its options (value, text), the current value, an explanation of the choice,
    // and where the chosen value goes in the form.
    let select_field = |label: T,
                        id: &'static str,
                        options: Vec<(&'static str, String)>,
                        current: &'static str,
                        help: Option<T>,
                        set: fn(&mut Form, &str)| {
        let form = form.clone();
        let onchange = Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            let mut next = (*form).clone();
            set(&mut next, &value);
            form.set(next);
        });
        let help_id = format!("{id}-help");
        let options = options.into_iter().map(|(value, text)| {
            html! { <option {value} selected={value == current}>{ text }</option> }
        });
        html! {
            <>
                <div class="field">
                    <label for={id}>{ label.get(lang) }</label>
                    <select {id} aria-describedby={help.map(|_| help_id.clone())} {onchange}>{ for options }</select>
                </div>
                if let Some(help) = help {
                    <p class="explain" id={help_id.clone()} data-testid={help_id}>{ help.get(lang) }</p>
                }
            </>
        }
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
    let consumer_fields = (form.commit.is_some() || form.store.is_some()).then(|| {
        let commit = form.commit.map(|current| {
            let options = COMMITS
                .map(|c| (commit_texts(c).0, commit_texts(c).1.get(lang).to_string()))
                .to_vec();
            let (value, _, help) = commit_texts(current);
            html! {
                <>
                    { select_field(T::CommitMode, "knob-commit", options, value, Some(help), |f, v| {
                        f.commit = COMMITS.into_iter().find(|c| commit_texts(*c).0 == v).or(f.commit);
                    }) }
                    { text_field(T::AutoCommitInterval, "knob-auto-commit", &form.auto_commit_interval_ms, |f, v| f.auto_commit_interval_ms = v) }
                </>
            }
        });
        let store = form.store.map(|current| {
            let options = STORES
                .map(|k| (store_texts(k).0, store_texts(k).1.get(lang).to_string()))
                .to_vec();
            let (value, _, help) = store_texts(current);
            select_field(T::StoreKindLabel, "knob-store", options, value, Some(help), |f, v| {
                f.store = STORES.into_iter().find(|k| store_texts(*k).0 == v).or(f.store);
            })
        });
        html! {
            <fieldset data-testid="settings-consumers">
                <legend>{ T::ConsumerSection.get(lang) }</legend>
                { for commit }
                { for store }
            </fieldset>
        }
    });
    let acks = [AcksDoc::Zero, AcksDoc::One, AcksDoc::All]
        .map(|a| (acks_value(a), format!("acks={}", acks_value(a))))
        .to_vec();
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
            <fieldset>
                <legend>{ T::ClusterSection.get(lang) }</legend>
                { text_field(T::Brokers, "knob-brokers", &form.brokers, |f, v| f.brokers = v) }
                { text_field(T::Partitions, "knob-partitions", &form.partitions, |f, v| f.partitions = v) }
                { text_field(T::ReplicationFactor, "knob-rf", &form.replication_factor, |f, v| f.replication_factor = v) }
                { text_field(T::MinIsr, "knob-min-isr", &form.min_insync_replicas, |f, v| f.min_insync_replicas = v) }
                <div class="field check">
                    <input id="knob-unclean" type="checkbox" checked={form.unclean} onchange={on_unclean} />
                    <label for="knob-unclean">{ T::Unclean.get(lang) }</label>
                </div>
            </fieldset>
            <fieldset>
                <legend>{ T::ProducerSection.get(lang) }</legend>
                { select_field(T::Acks, "knob-acks", acks, acks_value(form.acks), None, |f, v| {
                    f.acks = match v {
                        "0" => AcksDoc::Zero,
                        "1" => AcksDoc::One,
                        _ => AcksDoc::All,
                    };
                }) }
                { text_field(T::Retries, "knob-retries", &form.retries, |f, v| f.retries = v) }
                { text_field(T::MaxInFlight, "knob-in-flight", &form.max_in_flight, |f, v| f.max_in_flight = v) }
                <div class="field check">
                    <input id="knob-idempotence" type="checkbox" checked={form.idempotence} onchange={on_idempotence} />
                    <label for="knob-idempotence">{ T::Idempotence.get(lang) }</label>
                </div>
            </fieldset>
            { for consumer_fields }
            { text_field(T::Seed, "knob-seed", &form.seed, |f, v| f.seed = v) }
            <p class="hint">{ T::SettingsHint.get(lang) }</p>
            <button type="submit" class="primary" data-testid="settings-apply">{ T::Apply.get(lang) }</button>
            if let Some(error) = error {
                <p class="error" role="alert" data-testid="settings-error">{ error }</p>
            }
        </form>
    }
}
