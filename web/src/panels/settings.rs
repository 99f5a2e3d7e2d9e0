//! The settings tab: the scenario's knobs as a form. Apply hands the values up; the app
//! rebuilds the scenario or shows why it cannot. A RabbitMQ scenario has its own fields
//! (each publisher's mode and persistence, each queue's durability and type, each
//! consumer's autoAck and prefetch), edited in its document's `rabbitmq` section.

use crate::i18n::{Lang, T};
use mqlab_scenario::doc::{AcksDoc, CommitDoc, OffsetResetDoc, StoreKindDoc};
use mqlab_scenario::doc_rabbit::{
    OverflowDoc, PublishModeDoc, QueueTypeDoc, RabbitDoc, RabbitVersion,
};
use mqlab_scenario::{KafkaVersion, Knobs, Text};
use yew::prelude::*;

pub use crate::state::{Applied, SharedRabbit};

#[derive(Properties, Clone, PartialEq)]
pub struct SettingsProps {
    pub lang: Lang,
    pub knobs: Knobs,
    /// Which Kafka the scenario models.
    pub model_version: &'static str,
    #[prop_or_default]
    pub error: Option<Text>,
    /// A RabbitMQ scenario's section: its fields replace the Kafka ones.
    #[prop_or_default]
    pub rabbit: Option<SharedRabbit>,
    #[prop_or_default]
    pub on_apply: Callback<Applied>,
}

/// The form's fields as typed, parsed on Apply.
#[derive(Clone)]
struct Form {
    brokers: String,
    partitions: String,
    replication_factor: String,
    min_insync_replicas: String,
    acks: AcksDoc,
    retries: String,
    max_in_flight: String,
    unclean: bool,
    /// The Kafka version ("4.1", "4.0", "3.6", "0.10") and whether ELR (KIP-966) is on.
    version: &'static str,
    elr: bool,
    idempotence: bool,
    commit: Option<CommitDoc>,
    auto_commit_interval_ms: String,
    auto_offset_reset: Option<OffsetResetDoc>,
    store: Option<StoreKindDoc>,
    seed: String,
    rabbit: Option<RabbitDoc>,
    /// The RabbitMQ consumers' prefetch counts, as typed.
    prefetch: Vec<String>,
    /// How many RabbitMQ consumers, as typed (more copy the last one).
    consumer_count: String,
    /// Each queue's message TTL and max length, as typed; empty for none.
    ttl: Vec<String>,
    max_length: Vec<String>,
}

impl Form {
    fn of(k: &Knobs, rabbit: &Option<SharedRabbit>) -> Form {
        let rabbit = rabbit.as_ref().map(|r| (*r.0).clone());
        Form {
            prefetch: rabbit
                .iter()
                .flat_map(|r| &r.consumers)
                .map(|c| c.prefetch.to_string())
                .collect(),
            consumer_count: rabbit.as_ref().map_or(0, |r| r.consumers.len()).to_string(),
            ttl: rabbit
                .iter()
                .flat_map(|r| &r.queues)
                .map(|q| q.message_ttl_ms.map(|v| v.to_string()).unwrap_or_default())
                .collect(),
            max_length: rabbit
                .iter()
                .flat_map(|r| &r.queues)
                .map(|q| q.max_length.map(|v| v.to_string()).unwrap_or_default())
                .collect(),
            rabbit,
            brokers: k.brokers.to_string(),
            partitions: k.partitions.to_string(),
            replication_factor: k.replication_factor.to_string(),
            min_insync_replicas: k.min_insync_replicas.to_string(),
            acks: k.acks,
            retries: k.retries.to_string(),
            max_in_flight: k.max_in_flight.to_string(),
            unclean: k.unclean_leader_election,
            version: version_texts(version_of(&k.version)).0,
            elr: k.eligible_leader_replicas,
            idempotence: k.idempotence,
            commit: k.commit,
            auto_commit_interval_ms: k.auto_commit_interval_ms.to_string(),
            auto_offset_reset: k.auto_offset_reset,
            store: k.store,
            seed: k.seed.to_string(),
        }
    }

    /// Another Kafka version: ELR as that version has it by default for a new cluster, and
    /// the idempotent producer as Kafka's default where the version has one.
    fn set_version(&mut self, value: &str) {
        let Some(version) = VERSIONS.into_iter().find(|v| version_texts(*v).0 == value) else {
            return;
        };
        let (label, ..) = version_texts(version);
        if label == self.version {
            return;
        }
        let had_idempotence = idempotence_exists(self.version);
        self.version = label;
        self.elr = version.elr_by_default();
        if !idempotence_exists(label) {
            self.idempotence = false;
        } else if !had_idempotence {
            // Kafka's default: on unless acks, retries or in-flight conflict.
            let number = |s: &str| s.trim().parse::<u32>().ok();
            self.idempotence = self.acks == AcksDoc::All
                && number(&self.retries).is_some_and(|r| r > 0)
                && number(&self.max_in_flight).is_some_and(|m| m <= 5);
        }
    }

    /// The values, or the label of the first field that is not a whole number.
    fn parse(&self) -> Result<Applied, T> {
        let n = |s: &str, field: T| s.trim().parse::<u32>().map_err(|_| field);
        let mut rabbit = self.rabbit.clone();
        for (c, typed) in rabbit
            .iter_mut()
            .flat_map(|r| &mut r.consumers)
            .zip(&self.prefetch)
        {
            c.prefetch = n(typed, T::PrefetchField)?;
        }
        // An empty field is no limit.
        let limit = |s: &str, field: T| match s.trim() {
            "" => Ok(None),
            v => v.parse::<u32>().map(Some).map_err(|_| field),
        };
        for (i, q) in rabbit.iter_mut().flat_map(|r| &mut r.queues).enumerate() {
            q.message_ttl_ms = limit(&self.ttl[i], T::MessageTtlField)?.map(u64::from);
            q.max_length = limit(&self.max_length[i], T::MaxLengthField)?;
        }
        if let Some(r) = &mut rabbit {
            if !r.consumers.is_empty() {
                r.set_consumer_count(n(&self.consumer_count, T::ConsumerCountField)? as usize);
            }
        }
        let knobs = Knobs {
            brokers: n(&self.brokers, T::Brokers)?,
            partitions: n(&self.partitions, T::Partitions)?,
            replication_factor: n(&self.replication_factor, T::ReplicationFactor)?,
            min_insync_replicas: n(&self.min_insync_replicas, T::MinIsr)?,
            acks: self.acks,
            retries: n(&self.retries, T::Retries)?,
            max_in_flight: n(&self.max_in_flight, T::MaxInFlight)?,
            unclean_leader_election: self.unclean,
            version: self.version.to_string(),
            eligible_leader_replicas: self.elr && elr_exists(self.version),
            idempotence: self.idempotence && idempotence_exists(self.version),
            commit: self.commit,
            auto_commit_interval_ms: self
                .auto_commit_interval_ms
                .trim()
                .parse::<u64>()
                .map_err(|_| T::AutoCommitInterval)?,
            auto_offset_reset: self.auto_offset_reset,
            store: self.store,
            seed: self.seed.trim().parse::<u64>().map_err(|_| T::Seed)?,
        };
        Ok((knobs, rabbit))
    }
}

/// The Kafka versions the model follows, newest first.
pub const VERSIONS: [KafkaVersion; 4] = KafkaVersion::ALL;

/// A Kafka version: its value in the document, its name and what differs in it.
pub fn version_texts(v: KafkaVersion) -> (&'static str, T, T) {
    let (name, help) = match v {
        KafkaVersion::V4_1 => (T::Kafka41, T::Kafka41Help),
        KafkaVersion::V4_0 => (T::Kafka40, T::Kafka40Help),
        KafkaVersion::V3_6 => (T::Kafka36, T::Kafka36Help),
        KafkaVersion::V0_10 => (T::Kafka010, T::Kafka010Help),
    };
    (v.label(), name, help)
}

/// The version a knob names; the newest for anything else (as the scenario reads it).
fn version_of(value: &str) -> KafkaVersion {
    KafkaVersion::parse(value).unwrap_or(KafkaVersion::V4_1)
}

/// Eligible Leader Replicas (KIP-966) exist from Kafka 4.0 on.
fn elr_exists(version: &str) -> bool {
    version_of(version).supports_elr()
}

/// The idempotent producer exists from Kafka 0.11 on (KIP-98).
fn idempotence_exists(version: &str) -> bool {
    version_of(version).idempotence_by_default()
}

const MODES: [PublishModeDoc; 3] = [
    PublishModeDoc::Plain,
    PublishModeDoc::Confirm,
    PublishModeDoc::Transaction,
];

/// A publish mode: its value in the form, its name and what it costs.
pub fn mode_texts(m: PublishModeDoc) -> (&'static str, T, T) {
    match m {
        PublishModeDoc::Plain => ("plain", T::ModePlain, T::ModePlainHelp),
        PublishModeDoc::Confirm => ("confirm", T::ModeConfirm, T::ModeConfirmHelp),
        PublishModeDoc::Transaction => ("transaction", T::ModeTransaction, T::ModeTransactionHelp),
    }
}

/// A RabbitMQ version: its value in the document, its name and what differs in it.
pub fn rabbit_version_texts(v: RabbitVersion) -> (&'static str, T, T) {
    match v {
        RabbitVersion::V4 => (v.label(), T::Rabbit4, T::Rabbit4Help),
        RabbitVersion::V3_13 => (v.label(), T::Rabbit313, T::Rabbit313Help),
    }
}

const OVERFLOWS: [OverflowDoc; 2] = [OverflowDoc::DropHead, OverflowDoc::RejectPublish];

/// A queue's overflow behaviour: its value in the form, its name and what it does.
pub fn overflow_texts(o: OverflowDoc) -> (&'static str, T, T) {
    match o {
        OverflowDoc::DropHead => ("drop-head", T::OverflowDropHead, T::OverflowDropHeadHelp),
        OverflowDoc::RejectPublish => (
            "reject-publish",
            T::OverflowRejectPublish,
            T::OverflowRejectPublishHelp,
        ),
    }
}

const COMMITS: [CommitDoc; 4] = [
    CommitDoc::Auto,
    CommitDoc::SyncAfterProcess,
    CommitDoc::AsyncAfterProcess,
    CommitDoc::SyncBeforeProcess,
];

const RESETS: [OffsetResetDoc; 3] = [
    OffsetResetDoc::Latest,
    OffsetResetDoc::Earliest,
    OffsetResetDoc::None,
];

/// An `auto.offset.reset`: its value in the form, its name and what it does.
pub fn reset_texts(r: OffsetResetDoc) -> (&'static str, T, T) {
    match r {
        OffsetResetDoc::Latest => ("latest", T::ResetLatest, T::ResetLatestHelp),
        OffsetResetDoc::Earliest => ("earliest", T::ResetEarliest, T::ResetEarliestHelp),
        OffsetResetDoc::None => ("none", T::ResetNone, T::ResetNoneHelp),
    }
}

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
    let form = use_state(|| Form::of(&props.knobs, &props.rabbit));
    let parse_error = use_state(|| None::<T>);
    {
        // A new scenario brings new knobs: start the form over from them.
        let form = form.clone();
        let parse_error = parse_error.clone();
        use_effect_with(
            (props.knobs.clone(), props.rabbit.clone()),
            move |(knobs, rabbit)| {
                form.set(Form::of(knobs, rabbit));
                parse_error.set(None);
            },
        );
    }

    // A change to the form, from the new value of an input or a select ("true" or "false"
    // for a checkbox) and an index (which publisher, queue or consumer).
    let edit = |i: usize, set: fn(&mut Form, usize, String)| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            let value = if input.type_() == "checkbox" {
                input.checked().to_string()
            } else {
                input.value()
            };
            let mut next = (*form).clone();
            set(&mut next, i, value);
            form.set(next);
        })
    };
    let text_field = |label: T, id: String, value: &str, on_edit: Callback<Event>| {
        let oninput = on_edit.reform(|e: InputEvent| Event::from(e));
        html! {
            <div class="field">
                <label for={id.clone()}>{ label.get(lang) }</label>
                <input {id} type="number" min="0" inputmode="numeric" value={value.to_string()} {oninput} />
            </div>
        }
    };
    let check = |label: T, id: String, checked: bool, onchange: Callback<Event>| {
        html! {
            <div class="field check">
                <input id={id.clone()} type="checkbox" {checked} {onchange} />
                <label for={id}>{ label.get(lang) }</label>
            </div>
        }
    };
    // A checkbox that may be unavailable, with a line saying what it does or why not.
    let check_explained = |label: T,
                           id: String,
                           checked: bool,
                           enabled: bool,
                           help: T,
                           onchange: Callback<Event>| {
        let help_id = format!("{id}-help");
        html! {
            <>
                <div class={classes!("field", "check", (!enabled).then_some("unavailable"))}>
                    <input id={id.clone()} type="checkbox" checked={checked && enabled} disabled={!enabled}
                        aria-describedby={help_id.clone()} {onchange} />
                    <label for={id}>{ label.get(lang) }</label>
                </div>
                <p class="explain" id={help_id.clone()} data-testid={help_id}>{ help.get(lang) }</p>
            </>
        }
    };
    // A select: its options (value, text), the current value, an explanation of the choice.
    let select_field = |label: T,
                        id: String,
                        options: Vec<(&'static str, String)>,
                        current: &'static str,
                        help: Option<T>,
                        onchange: Callback<Event>| {
        let help_id = format!("{id}-help");
        let options = options.into_iter().map(|(value, text)| {
            html! { <option {value} selected={value == current}>{ text }</option> }
        });
        html! {
            <>
                <div class="field">
                    <label for={id.clone()}>{ label.get(lang) }</label>
                    <select {id} aria-describedby={help.map(|_| help_id.clone())} {onchange}>{ for options }</select>
                </div>
                if let Some(help) = help {
                    <p class="explain" id={help_id.clone()} data-testid={help_id}>{ help.get(lang) }</p>
                }
            </>
        }
    };
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
    let texts = |all: &[(&'static str, T, T)]| -> Vec<(&'static str, String)> {
        all.iter()
            .map(|(v, t, _)| (*v, t.get(lang).to_string()))
            .collect()
    };
    let rabbit = form.rabbit.as_ref();
    let amqp_consumers = rabbit.iter().flat_map(|r| r.consumers.iter().enumerate()).map(|(i, c)| {
        html! {
            <div class="entity" data-testid={format!("settings-consumer-{}", c.name)}>
                <p class="entity-name">{ &c.name }</p>
                { check(T::AutoAckField, format!("knob-consumer-{i}-autoack"), c.auto_ack,
                    edit(i, |f, i, v| if let Some(r) = &mut f.rabbit { r.consumers[i].auto_ack = v == "true" })) }
                { text_field(T::PrefetchField, format!("knob-consumer-{i}-prefetch"), &form.prefetch[i],
                    edit(i, |f, i, v| f.prefetch[i] = v)) }
            </div>
        }
    });
    let consumer_fields = (form.commit.is_some()
        || form.store.is_some()
        || rabbit.is_some_and(|r| !r.consumers.is_empty()))
    .then(|| {
        let commit = form.commit.map(|current| {
            html! {
                <>
                    { select_field(T::CommitMode, "knob-commit".into(), texts(&COMMITS.map(commit_texts)), commit_texts(current).0,
                        Some(commit_texts(current).2), edit(0, |f, _, v| {
                            f.commit = COMMITS.into_iter().find(|c| commit_texts(*c).0 == v).or(f.commit);
                        })) }
                    { text_field(T::AutoCommitInterval, "knob-auto-commit".into(), &form.auto_commit_interval_ms,
                        edit(0, |f, _, v| f.auto_commit_interval_ms = v)) }
                    if let Some(reset) = form.auto_offset_reset {
                        { select_field(T::OffsetResetField, "knob-offset-reset".into(), texts(&RESETS.map(reset_texts)), reset_texts(reset).0,
                            Some(reset_texts(reset).2), edit(0, |f, _, v| {
                                f.auto_offset_reset = RESETS.into_iter().find(|r| reset_texts(*r).0 == v).or(f.auto_offset_reset);
                            })) }
                    }
                </>
            }
        });
        let store = form.store.map(|current| {
            select_field(T::StoreKindLabel, "knob-store".into(), texts(&STORES.map(store_texts)), store_texts(current).0,
                Some(store_texts(current).2), edit(0, |f, _, v| {
                    f.store = STORES.into_iter().find(|k| store_texts(*k).0 == v).or(f.store);
                }))
        });
        html! {
            <fieldset data-testid="settings-consumers">
                <legend>{ T::ConsumerSection.get(lang) }</legend>
                if rabbit.is_some_and(|r| !r.consumers.is_empty()) {
                    { text_field(T::ConsumerCountField, "knob-consumer-count".into(), &form.consumer_count,
                        edit(0, |f, _, v| f.consumer_count = v)) }
                }
                { for amqp_consumers }
                { for commit }
                { for store }
            </fieldset>
        }
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
    let cluster = match rabbit {
        Some(r) => {
            let publishers = r.publishers.iter().enumerate().map(|(i, p)| {
                let (current, _, help) = mode_texts(p.mode);
                html! {
                    <div class="entity" data-testid={format!("settings-publisher-{}", p.name)}>
                        <p class="entity-name">{ &p.name }</p>
                        { select_field(T::PublishMode, format!("knob-publisher-{i}-mode"), texts(&MODES.map(mode_texts)), current, Some(help),
                            edit(i, |f, i, v| if let (Some(r), Some(m)) = (&mut f.rabbit, MODES.into_iter().find(|m| mode_texts(*m).0 == v)) {
                                r.publishers[i].mode = m;
                            })) }
                        { check(T::PersistentField, format!("knob-publisher-{i}-persistent"), p.persistent,
                            edit(i, |f, i, v| if let Some(r) = &mut f.rabbit { r.publishers[i].persistent = v == "true" })) }
                    </div>
                }
            });
            let queues = r.queues.iter().enumerate().map(|(i, q)| {
                let kinds = vec![("classic", T::Classic.get(lang).to_string()), ("quorum", T::Quorum.get(lang).to_string())];
                let current = if q.kind == QueueTypeDoc::Quorum { "quorum" } else { "classic" };
                let (overflow, _, overflow_help) = overflow_texts(q.overflow.unwrap_or(OverflowDoc::DropHead));
                html! {
                    <div class="entity" data-testid={format!("settings-queue-{}", q.name)}>
                        <p class="entity-name">{ &q.name }</p>
                        { check(T::DurableField, format!("knob-queue-{i}-durable"), q.durable,
                            edit(i, |f, i, v| if let Some(r) = &mut f.rabbit { r.queues[i].durable = v == "true" })) }
                        { select_field(T::QueueTypeField, format!("knob-queue-{i}-type"), kinds, current, None,
                            edit(i, |f, i, v| if let Some(r) = &mut f.rabbit {
                                r.queues[i].kind = if v == "quorum" { QueueTypeDoc::Quorum } else { QueueTypeDoc::Classic };
                            })) }
                        { text_field(T::MessageTtlField, format!("knob-queue-{i}-ttl"), &form.ttl[i],
                            edit(i, |f, i, v| f.ttl[i] = v)) }
                        { text_field(T::MaxLengthField, format!("knob-queue-{i}-max-length"), &form.max_length[i],
                            edit(i, |f, i, v| f.max_length[i] = v)) }
                        { select_field(T::OverflowField, format!("knob-queue-{i}-overflow"), texts(&OVERFLOWS.map(overflow_texts)), overflow, Some(overflow_help),
                            edit(i, |f, i, v| if let (Some(r), Some(o)) = (&mut f.rabbit, OVERFLOWS.into_iter().find(|o| overflow_texts(*o).0 == v)) {
                                r.queues[i].overflow = Some(o);
                            })) }
                    </div>
                }
            });
            let version = r.rabbit_version();
            html! {
                <>
                    <fieldset data-testid="settings-rabbit-cluster">
                        <legend>{ T::ClusterSection.get(lang) }</legend>
                        { select_field(T::RabbitVersionField, "knob-rabbit-version".into(), texts(&RabbitVersion::ALL.map(rabbit_version_texts)), version.label(),
                            Some(rabbit_version_texts(version).2),
                            edit(0, |f, _, v| if let Some(r) = &mut f.rabbit {
                                // 4.x is the default: left unwritten, as a share link carries only changes.
                                r.version = (v != RabbitVersion::V4.label()).then_some(v);
                            })) }
                    </fieldset>
                    <fieldset data-testid="settings-publishers">
                        <legend>{ T::PublisherSection.get(lang) }</legend>
                        { for publishers }
                    </fieldset>
                    <fieldset data-testid="settings-queues">
                        <legend>{ T::QueuesSection.get(lang) }</legend>
                        { for queues }
                    </fieldset>
                </>
            }
        }
        None => {
            let acks = [AcksDoc::Zero, AcksDoc::One, AcksDoc::All]
                .map(|a| (acks_value(a), format!("acks={}", acks_value(a))))
                .to_vec();
            html! {
                <>
                    <fieldset>
                        <legend>{ T::ClusterSection.get(lang) }</legend>
                        { select_field(T::KafkaVersionField, "knob-version".into(), texts(&VERSIONS.map(version_texts)), form.version,
                            Some(version_texts(version_of(form.version)).2), edit(0, |f, _, v| f.set_version(&v))) }
                        { text_field(T::Brokers, "knob-brokers".into(), &form.brokers, edit(0, |f, _, v| f.brokers = v)) }
                        { text_field(T::Partitions, "knob-partitions".into(), &form.partitions, edit(0, |f, _, v| f.partitions = v)) }
                        { text_field(T::ReplicationFactor, "knob-rf".into(), &form.replication_factor, edit(0, |f, _, v| f.replication_factor = v)) }
                        { text_field(T::MinIsr, "knob-min-isr".into(), &form.min_insync_replicas, edit(0, |f, _, v| f.min_insync_replicas = v)) }
                        { check(T::Unclean, "knob-unclean".into(), form.unclean, edit(0, |f, _, v| f.unclean = v == "true")) }
                        { check_explained(T::Elr, "knob-elr".into(), form.elr, elr_exists(form.version),
                            if elr_exists(form.version) { T::ElrHelp } else { T::ElrUnavailable },
                            edit(0, |f, _, v| f.elr = v == "true")) }
                    </fieldset>
                    <fieldset>
                        <legend>{ T::ProducerSection.get(lang) }</legend>
                        { select_field(T::Acks, "knob-acks".into(), acks, acks_value(form.acks), None, edit(0, |f, _, v| {
                            f.acks = match v.as_str() {
                                "0" => AcksDoc::Zero,
                                "1" => AcksDoc::One,
                                _ => AcksDoc::All,
                            };
                        })) }
                        { text_field(T::Retries, "knob-retries".into(), &form.retries, edit(0, |f, _, v| f.retries = v)) }
                        { text_field(T::MaxInFlight, "knob-in-flight".into(), &form.max_in_flight, edit(0, |f, _, v| f.max_in_flight = v)) }
                        if idempotence_exists(form.version) {
                            { check(T::Idempotence, "knob-idempotence".into(), form.idempotence, edit(0, |f, _, v| f.idempotence = v == "true")) }
                        } else {
                            { check_explained(T::Idempotence, "knob-idempotence".into(), false, false, T::IdempotenceUnavailable,
                                edit(0, |f, _, v| f.idempotence = v == "true")) }
                        }
                    </fieldset>
                </>
            }
        }
    };

    html! {
        <form class="settings" {onsubmit} data-testid="settings-form">
            <p class="version">{ format!("{} {}", T::ModelVersion.get(lang), props.model_version) }</p>
            { cluster }
            { for consumer_fields }
            { text_field(T::Seed, "knob-seed".into(), &form.seed, edit(0, |f, _, v| f.seed = v)) }
            <p class="hint">{ T::SettingsHint.get(lang) }</p>
            <button type="submit" class="primary" data-testid="settings-apply">{ T::Apply.get(lang) }</button>
            if let Some(error) = error {
                <p class="error" role="alert" data-testid="settings-error">{ error }</p>
            }
        </form>
    }
}
