//! Every string the UI shows, in 中文 and English. Happenings and timeline marks carry their
//! own two texts; everything else is here, one key per string.

use mqlab_scenario::compare::Counter;
use mqlab_scenario::frame::QueueItem;
use mqlab_scenario::lesson::doc::Question;
pub use mqlab_scenario::Lang;
use mqlab_scenario::{term_en, term_zh};

macro_rules! texts {
    ($($key:ident => $en:expr, $zh:expr;)*) => {
        /// A user-facing string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum T { $($key),* }

        /// Every string as [English, 中文], in the order of `T`'s variants: one table read
        /// instead of a two-arm match per key (12 KB less code in each module).
        const TEXTS: &[[&str; 2]] = &[$([$en, $zh]),*];

        impl T {
            pub fn get(self, lang: Lang) -> &'static str {
                let column = match lang { Lang::En => 0, Lang::Zh => 1 };
                TEXTS[self as usize][column]
            }
        }
    };
}

texts! {
    Tagline => "Kafka and RabbitMQ: replication, failover and every message's fate, one step at a time", "一步一步看懂 Kafka 与 RabbitMQ 的副本、故障转移和每条消息的去向";
    Scenario => "Scenario", "场景";
    SwitchLanguage => "Switch language to 中文", "Switch language to English";
    OtherLanguage => "中文", "English";
    StageLabel => "The cluster: producers, brokers and the controller, consumers and their stores", "集群：生产者、Broker 与控制器，消费者及其下游存储";
    // Node states
    Up => "up", "运行中";
    Crashed => "✕ crashed", "✕ 已崩溃";
    Stopped => "■ stopped", "■ 已停止";
    Isolated => "⚡ isolated", "⚡ 已隔离";
    Fenced => "⊘ fenced", "⊘ 已被控制器隔离 (fenced)";
    Paused => "⏸ paused: minority side", "⏸ 已暂停：处于少数派";
    Controller => "controller", "控制器";
    ControllerBadge => "♔ KRaft controller", "♔ KRaft 控制器";
    Producer => "producer", "生产者";
    Reader => "reader", "消费者";
    Leader => concat!("♛ ", term_en!(leader)), concat!("♛ ", term_zh!(leader));
    Follower => term_en!(follower), term_zh!(follower);
    StaleLeader => "♛? thinks it leads", concat!("♛? 自认为是 ", term_zh!(leader));
    Offline => "offline: no leader", concat!("离线：无 ", term_zh!(leader));
    InIsr => "✓ in ISR", "✓ 在 ISR 中";
    OutOfIsr => "✕ out of ISR", "✕ 不在 ISR 中";
    InElr => "◆ in ELR", "◆ 在 ELR 中";
    InIsrShort => "✓ ISR", "✓ ISR";
    InElrShort => "◆ ELR", "◆ ELR";
    OutShort => "✕ out", "✕ 不在";
    InIsrTitle => "In the ISR: in sync with the leader", concat!("在 ", term_zh!(isr), " 中：与 ", term_zh!(leader), " 保持同步");
    InElrTitle => "In the ELR (Eligible Leader Replicas, KIP-966): out of the ISR, but holding everything committed, so it may be elected leader", concat!("在 ELR（", term_zh!(elr), "s，KIP-966）中：不在 ISR 中，但持有全部已提交的消息，可以当选 ", term_zh!(leader));
    OutOfIsrAndElrTitle => "In neither the ISR nor the ELR: it cannot be elected leader without an unclean election", concat!("既不在 ISR 也不在 ELR 中：除非非同步副本选举（unclean），否则不能当选 ", term_zh!(leader));
    IsrEmptyTitle => "The ISR is empty (ELR on): a new leader can only come from the ELR", concat!("ISR 为空（已开启 ELR）：新 ", term_zh!(leader), " 只能从 ELR 中选出");
    NoReplica => "no replica here", "此处无副本";
    CutLink => "✂ cut", "✂ 断开";
    SlowLink => "~ slow", "~ 变慢";
    EarlierCells => "earlier offsets not shown", concat!("更早的 ", term_zh!(offset), " 未显示");
    // RabbitMQ
    Publisher => "publisher", "发布者";
    QueueWord => "queue", "队列";
    Classic => "classic", "经典队列";
    Quorum => "quorum", "仲裁队列";
    Durable => "durable", "持久 (durable)";
    TransientQueue => "transient (gone if its node stops)", "非持久 (节点停止即消失)";
    Persistent => "persistent", "持久消息";
    TransientMsg => "transient", "非持久消息";
    MirrorSynced => "mirror ✓ synced", "镜像 ✓ 已同步";
    MirrorUnsynced => "mirror ✕ unsynced", "镜像 ✕ 未同步";
    FollowerSynced => "follower ✓ caught up", concat!(term_zh!(follower), " ✓ 已追上");
    FollowerBehind => "follower, behind", concat!(term_zh!(follower), "，落后");
    OnDiskOnly => "on disk only", "仅在磁盘上";
    QueueDown => "✕ DOWN: no leader", concat!("✕ DOWN：无 ", term_zh!(leader));
    QueueDeleted => "✕ DELETED", "✕ 已删除 (DELETED)";
    NotOnThisNode => "not on this node", "不在此节点上";
    QueueConsumers => "consumers:", "消费者：";
    UnackedLegend => "⇢ delivered, not acked yet", "⇢ 已投递，尚未确认";
    RedeliveredLegend => "↻ will be redelivered", "↻ 将重新投递";
    TransientLegend => "dashed cell = transient message", "虚线格 = 非持久消息";
    OnDiskLegend => "disk = persistent messages written to disk", "磁盘 = 已写入磁盘的持久消息";
    TrafficHeading => "Messages delivered per link", "每条链路上投递的消息数";
    TrafficHelp => "Between nodes: a classic queue's extra hop to its home node, and mirrors' copies", "节点之间：经典队列转发到其所在节点的额外一跳，以及镜像的复制";
    // Consumers, groups, stores
    Consumer => "consumer", "消费者";
    ActDown => "○ down", "○ 未运行";
    ActJoining => "⟳ joining", "⟳ 加入中";
    ActPolling => "⇣ polling", "⇣ 拉取中";
    ActProcessing => "⚙ processing", "⚙ 处理中";
    ActCommitting => "✎ committing", "✎ 提交中";
    ActFailed => "⚠ failed", "⚠ 出错";
    Idle => "◌ idle: no partition", "◌ 空闲：没有分到分区";
    AwaitingAssignment => "⇢ waiting for an assignment", "⇢ 等待分配分区";
    InHand => "in hand:", "手上：";
    NoPartition => "none", "无";
    Group => "group", term_zh!(consumer_group);
    NoCoordinator => "no coordinator", "无协调者";
    GroupEmpty => "○ empty", "○ 空";
    GroupRebalancing => "⟳ REBALANCING", "⟳ 重平衡中";
    GroupStable => "✓ stable", "✓ 稳定";
    GroupUnknown => "? unknown", "? 未知";
    KindPlain => "plain INSERT", "普通 INSERT";
    KindUnique => "UNIQUE key", "唯一键";
    KindLookup => "SELECT → UPDATE", "先查再 UPDATE";
    KindRedis => "Redis SET", "Redis SET";
    KindSeen => "seen-set + INSERT", "去重集合 + INSERT";
    NoDuplicateRows => "✓ no duplicate rows", "✓ 没有重复行";
    NoDuplicateKeys => "✓ no duplicate keys", "✓ 没有重复的键";
    DuplicateRow => "⚠ duplicate row", "⚠ 重复行";
    PositionLegend => "▲ consumer position", "▲ 消费者位置";
    CommittedLegend => "◆ committed offset", "◆ 已提交 offset";
    UncommittedLegend => "dashed cell = above the HW, not yet committed", "虚线格 = 高于 HW，尚未提交";
    MarkFaultLegend => "fault", "故障";
    MarkActionLegend => "action or lesson step", "操作或课程步骤";
    // Node menu
    NodeActions => "Actions", "操作";
    Kill => "Kill (kill -9)", "强杀 (kill -9)";
    StopGracefully => "Stop gracefully", "正常停止";
    Restart => "Restart", "重启";
    Isolate => "Isolate from the network", "从网络隔离";
    Reconnect => "Reconnect", "恢复网络";
    Produce5 => "Produce 5 messages", "发送 5 条消息";
    CloseConsumer => "Shut down cleanly: close() — leaves the group (auto-commit commits first)", "正常关闭：close() — 离开消费组（自动提交模式会先提交）";
    CloseConnection => "Shut down cleanly (connection.close)", "正常关闭连接 (connection.close)";
    Publish5 => "Publish 5 messages", "发布 5 条消息";
    Close => "Close", "关闭";
    CloseMenu => "✕ Close this menu (no action)", "✕ 关闭此菜单（不执行操作）";
    PressEnter => "press Enter for actions", "按回车键打开操作菜单";
    // Player
    Player => "Player", "播放器";
    ToStart => "Jump to start", "跳到开头";
    StepBack => "Step back", "后退一步";
    Play => "Play", "播放";
    Pause => "Pause", "暂停";
    StepForward => "Step forward", "前进一步";
    ToEnd => "Jump to end", "跳到结尾";
    Speed => "Speed", "速度";
    ByStep => "by step", "逐步";
    Timeline => "Timeline", "时间线";
    Step => "step", "步骤";
    Mark => "Timeline mark", "时间线标记";
    // Shortcuts
    Shortcuts => "Keyboard shortcuts", "键盘快捷键";
    ShortcutsHint => "Press ? for keyboard shortcuts", "按 ? 查看键盘快捷键";
    KeyPlay => "play / pause", "播放 / 暂停";
    KeyStep => "step forward / back", "前进 / 后退一步";
    KeyEnds => "jump to start / end", "跳到开头 / 结尾";
    KeySpeed => "faster / slower", "加速 / 减速";
    KeyMenu => "on a focused broker, node, producer or consumer: open its actions", "焦点在 Broker、节点、生产者或消费者上时：打开操作菜单";
    KeyHelp => "show / hide this list", "显示 / 隐藏此列表";
    KeySelect => "select a node of the stage by its number (presenter mode lists them)", "按编号选中舞台上的节点（演示模式会列出编号）";
    KeyKillStopRestart => "the selected node: kill -9 / stop / restart", "对选中的节点：kill -9 / 停止 / 重启";
    KeyIsolate => "the selected node: cut all its links / reconnect it", "对选中的节点：切断它的所有链路 / 恢复连接";
    KeyCutLink => "cut the link between the selected node and the one numbered next", "切断选中节点与随后按下编号的节点之间的链路";
    Compare => "Compare", "对比";
    Comparison => "Comparison", "对比项";
    FirstDivergence => "First difference at", "第一处不同：";
    DivergesHere => "Here they first differ:", "就是这里，两边第一次不同：";
    JumpToDivergence => "Jump to the first difference", "跳到第一处不同";
    NeverDiverge => "The two ledgers never differ in this run.", "这次运行中两边的账本始终相同。";
    OutcomeHeading => "How each run ends:", "两次运行的结局：";
    EndAlike => "Both runs end alike:", "两次运行结局相同：";
    OutcomeMomentJump => "Jump to the moment that caused it", "跳到造成这一结果的时刻";
    OutcomeMomentHere => "This is the moment that caused it:", "就是这一刻造成了这个结果：";
    BothLedgers => "Both ledgers at this moment (≠ where they differ)", "此刻的两本账（≠ 表示不同）";
    Differs => "differs", "不同";
    ShareTab => "Share", "分享";
    ExploreTab => "Find a failure", "找故障";
    ExploreIntro => "Searches fault schedules on this scenario's configuration (which node to kill, stop or isolate, which link to cut, and when; then restart or reconnect) for the smallest one that breaks what you pick. The scenario's own faults are removed first. It runs in the background: the page stays usable.", "在这个场景的配置上搜索故障方案（杀死、停止或隔离哪个节点，切断哪条链路，在什么时刻；之后再重启或恢复连接），找出能破坏你所选性质的最小方案。场景自带的故障会先被去掉。搜索在后台进行，页面照常可用。";
    ExploreProperty => "Break what?", "要破坏什么？";
    ExploreFaults => "Faults at most", "最多几个故障";
    ExploreStart => "Find a failure", "开始搜索";
    ExploreStop => "Stop the search", "停止搜索";
    ExploreStarting => "Starting the search…", "正在启动搜索…";
    ExploreRunning => "Searching: {runs} of at most {budget} runs · schedules of {k} fault(s): {tried} of {schedules}", "搜索中：已运行 {runs} 次（上限 {budget}）· {k} 个故障的方案：{tried} / {schedules}";
    ExploreStopped => "Stopped after {runs} runs, nothing found so far: that says nothing about the schedules not tried.", "运行 {runs} 次后停止，暂未找到：这不能说明没试过的方案怎样。";
    ExploreFound => "Found a schedule that ends with {property} (after {runs} runs):", "找到一个导致「{property}」的方案（运行 {runs} 次）：";
    ExploreNoFault => "No fault needed: the scenario does it as it is.", "不需要任何故障：场景本身就会这样。";
    ExploreVictim => "Victim: {victim} ({n} message(s) in all), broken for good from t = {t} s (step {step}).", "受害者：{victim}（共 {n} 条消息），从 t = {t} 秒（第 {step} 步）起再未恢复。";
    ExploreOpen => "Open it on the stage", "在舞台上打开";
    ExploreOpened => "On the stage at that moment, the victim selected in the Ledger; the Share tab has its link.", "已在舞台上打开到那一刻，账本中选中了受害消息；分享页有它的链接。";
    ShareLink => "Link to this moment", "此刻的链接";
    ShareLinkHelp => "Opens exactly this: the scenario with your settings and faults, at this step (in a lesson, at this lesson step).", "打开后就是现在的样子：带着你的设置和故障的场景，停在这一步（课程中则停在这一课的这一步）。";
    CopyLink => "Copy the link", "复制链接";
    Copied => "Copied.", "已复制。";
    LinkLength => "{n} characters", "{n} 个字符";
    Export => "Export", "导出";
    ExportJson => "Scenario (JSON)", "场景 (JSON)";
    ExportMermaid => "Trace so far (Mermaid)", "到此为止的轨迹 (Mermaid)";
    ExportSvg => "Stage (SVG)", "舞台 (SVG)";
    Import => "Load a scenario", "载入场景";
    ImportHelp => "A scenario JSON file (as exported, or as in scenarios/):", "场景 JSON 文件（导出的，或 scenarios/ 中的）：";
    KeyNextStep => "in a lesson: go on to the next step, once this one is done", "课程中：本步完成后进入下一步";
    KeyPanel => "presenter mode: show or hide the side panel (hidden, the stage is full width)", "演示模式：显示或隐藏侧栏（隐藏时舞台占满宽度）";
    KeyPresenter => "presenter mode: large type, high contrast, no chrome", "演示模式：大字号、高对比度、隐藏界面装饰";
    PresenterMode => "Presenter mode", "演示模式";
    PresenterExit => "Exit (p)", "退出 (p)";
    PresenterSelectHint => "Press a node's number to select it · Space play · ← → step · t side panel · ? every key", "按节点编号选中它 · 空格 播放 · ← → 单步 · t 侧栏 · ? 查看全部按键";
    PresenterNodeKeys => "x kill -9 · s stop · r restart · i isolate · c reconnect · d then a number: cut one link · Esc deselect", "x kill -9 · s 停止 · r 重启 · i 隔离 · c 恢复连接 · d 再按编号：切断一条链路 · Esc 取消";
    PresenterCutHint => "Cut a link: press the number of the node at its other end (Esc: cancel)", "切断链路：按另一端节点的编号（Esc 取消）";
    Selected => "selected", "已选中";
    KeyClose => "close a menu or this list", "关闭菜单或此列表";
    // Tabs
    Panel => "Details", "详情";
    Settings => "Settings", "设置";
    Ledger => "Ledger", "账本";
    EventLog => "Event log", "事件日志";
    // Settings
    ModelVersion => "The model follows", "模型依据";
    Brokers => "Brokers", "Broker 数量";
    Partitions => "Partitions", "分区数";
    ReplicationFactor => "Replication factor", "副本因子 (replication.factor)";
    MinIsr => "min.insync.replicas", "最小同步副本数 (min.insync.replicas)";
    Acks => "Producer acks", "生产者 acks";
    Unclean => "Unclean leader election", concat!("允许非同步副本当选 ", term_zh!(leader), " (unclean)");
    Idempotence => "Idempotent producer (enable.idempotence)", "幂等生产者 (enable.idempotence)";
    IdempotenceUnavailable => "Kafka 0.10 has no idempotent producer: it came in 0.11 (KIP-98).", "Kafka 0.10 没有幂等生产者：它在 0.11 才引入（KIP-98）。";
    KafkaVersionField => "Kafka version", "Kafka 版本";
    OffsetResetField => "Where a group without a committed offset starts (auto.offset.reset)", "消费组没有已提交 offset 时从哪里开始 (auto.offset.reset)";
    ResetLatest => "latest (the default)", "latest（默认）";
    ResetLatestHelp => "Start at the end of the partition: records written before the consumer joined are skipped, lost to this group rather than duplicated.", "从分区末尾开始：消费者加入之前写入的记录被跳过，对这个消费组来说是丢失，而不是重复。";
    ResetEarliest => "earliest", "earliest";
    ResetEarliestHelp => "Start at the beginning of the partition: everything still in the log is read, again if it was read before.", "从分区开头开始：日志中还在的记录全部读一遍，读过的会再读。";
    ResetNone => "none", "none";
    ResetNoneHelp => "Throw NoOffsetForPartitionException: the consumer stops until an offset is set.", "抛出 NoOffsetForPartitionException：消费者停止，直到设置了 offset。";
    RabbitVersionField => "RabbitMQ version", "RabbitMQ 版本";
    Rabbit4 => "RabbitMQ 4.x", "RabbitMQ 4.x";
    Rabbit4Help => "Classic queue mirroring was removed in 4.0 (a mirroring policy is refused); quorum queues have a delivery limit of 20 by default.", "经典队列镜像已在 4.0 中移除（镜像策略会被拒绝）；仲裁队列默认的投递次数上限为 20。";
    Rabbit313 => "RabbitMQ 3.13", "RabbitMQ 3.13";
    Rabbit313Help => "Classic mirrored queues through ha-mode policies (removed in 4.0); quorum queues have no delivery limit unless one is set.", "通过 ha-mode 策略实现经典镜像队列（4.0 中已移除）；仲裁队列除非设置，否则没有投递次数上限。";
    Kafka41 => "Kafka 4.1+ (KRaft)", "Kafka 4.1+（KRaft）";
    Kafka40 => "Kafka 4.0 (KRaft)", "Kafka 4.0（KRaft）";
    Kafka36 => "Kafka 3.6 (KRaft)", "Kafka 3.6（KRaft）";
    Kafka010 => "Kafka 0.10", "Kafka 0.10";
    Kafka41Help => "Eligible Leader Replicas (KIP-966) on by default for a new cluster: when the ISR falls below min.insync.replicas, the replicas that leave it still holding everything committed stay eligible to lead.", concat!("新集群默认开启 ", term_zh!(elr), "s（ELR，KIP-966）：ISR 低于 min.insync.replicas 后，离开 ISR 但仍持有全部已提交消息的副本依然可以当选 ", term_zh!(leader), "。");
    Kafka40Help => "KRaft only. Eligible Leader Replicas (KIP-966) exist but are off by default for a new cluster: the ISR never empties, its last member stays in it.", concat!("只有 KRaft。", term_zh!(elr), "s（ELR，KIP-966）已有，但新集群默认关闭：ISR 永不为空，最后一个成员一直留在其中。");
    Kafka36Help => "Before KAFKA-15583 (fixed in 3.7): the high watermark advances even with fewer in-sync replicas than min.insync.replicas. No ELR.", concat!("KAFKA-15583 修复（3.7）之前：同步副本少于 min.insync.replicas 时，", term_zh!(high_watermark), "照样前进。没有 ELR。");
    Kafka010Help => "Before KIP-101 (0.11): no leader epochs, so a follower truncates its log to its own high watermark when it starts following; no idempotent producer. No ELR.", concat!("KIP-101（0.11）之前：没有 ", term_zh!(leader_epoch), "，", term_zh!(follower), " 开始跟随时把日志截断到自己的", term_zh!(high_watermark), "；没有幂等生产者。没有 ELR。");
    Elr => concat!(term_en!(elr), "s (KIP-966)"), concat!(term_zh!(elr), "s（ELR，KIP-966）");
    ElrHelp => "Replicas that leave an ISR already below min.insync.replicas, still holding everything committed, join the ELR; with the ISR empty, the new leader comes from the ELR, without an unclean election.", concat!("ISR 已低于 min.insync.replicas 时，离开 ISR 但仍持有全部已提交消息的副本进入 ELR；ISR 为空时，新 ", term_zh!(leader), " 从 ELR 中选出，无需非同步副本选举（unclean）。");
    ElrUnavailable => "Only from Kafka 4.0: choose 4.0 or 4.1 to use it.", "Kafka 4.0 才有：选择 4.0 或 4.1 才能使用。";
    AutoCommitInterval => "Auto-commit interval, ms (auto.commit.interval.ms)", "自动提交间隔，毫秒 (auto.commit.interval.ms)";
    Retries => "Producer retries", "生产者重试次数 (retries)";
    MaxInFlight => "Requests in flight per connection", "每个连接的在途请求数 (max.in.flight)";
    Seed => "Random seed", "随机种子";
    ClusterSection => "Cluster", "集群";
    ProducerSection => "Producers", "生产者";
    ConsumerSection => "Consumers and store", "消费者与存储";
    CommitMode => "Commit mode", "提交方式";
    CommitAuto => "auto-commit (enable.auto.commit)", "自动提交 (enable.auto.commit)";
    CommitSyncAfter => "process, then commitSync", "先处理，再 commitSync";
    CommitAsyncAfter => "process, then commitAsync", "先处理，再 commitAsync";
    CommitSyncBefore => "commitSync, then process", "先 commitSync，再处理";
    CommitAutoHelp => "poll() commits the last batch's offsets every interval. Killed between two commits, the consumer reads again what it processed since the last one: duplicates (at least once).", "poll() 每隔一段时间提交上一批的 offset。两次提交之间被杀，重启后会重读上次提交以来处理过的消息：重复（至少一次）。";
    CommitSyncAfterHelp => "Each batch is processed, then its offsets committed and the answer awaited. A crash mid-batch repeats only that batch (at least once).", "每批先处理，再同步提交并等待结果。批次中途崩溃只会重复这一批（至少一次）。";
    CommitAsyncAfterHelp => "As above, but polling goes on without waiting for the commit; a commit lost in a crash repeats more (at least once).", "同上，但不等提交结果就继续拉取；崩溃时丢掉的提交会带来更多重复（至少一次）。";
    CommitSyncBeforeHelp => "Offsets are committed before processing: a crash loses the records in hand and never repeats them (at most once).", "处理之前就提交 offset：崩溃会丢掉手上的消息，但绝不重复（至多一次）。";
    StoreKindLabel => "Downstream store", "下游存储";
    StorePlain => "plain table (INSERT)", "普通表 (INSERT)";
    StoreUnique => "table with a unique key", "带唯一键的表";
    StoreLookup => "look up, then UPDATE or INSERT", "先查询，再 UPDATE 或 INSERT";
    StoreRedis => "Redis SET key value", "Redis SET 键值";
    StoreSeen => "seen-set of message ids (Redis)", "消息 id 去重集合 (Redis)";
    StorePlainHelp => "Every processing inserts a row: a redelivered message becomes a second row.", "每次处理都插入一行：重复投递的消息变成第二行。";
    StoreUniqueHelp => "The message key is the primary key: a second INSERT fails on the unique key and is ignored.", "以消息键作主键：第二次 INSERT 因唯一键冲突失败，被忽略。";
    StoreLookupHelp => "SELECT by key first; if the row is there, UPDATE it instead of inserting again.", "先按键 SELECT；行已存在就 UPDATE，不再插入。";
    StoreRedisHelp => "SET of a key already set writes the same value again: nothing changes.", "对已存在的键再次 SET 写入相同的值：什么都不变。";
    StoreSeenHelp => "A global message id is checked in a Redis set before processing; an id already seen is skipped.", "处理前先在 Redis 集合里查全局消息 id；见过的 id 直接跳过。";
    PublishMode => "Publish mode", "发布方式";
    ModePlain => "plain basic.publish", "普通 basic.publish";
    ModeConfirm => "publisher confirms", "发布确认 (confirm)";
    ModeTransaction => "transactions (tx.commit)", "事务 (tx.commit)";
    ModePlainHelp => "No confirm: the publisher never learns whether the broker kept a message.", "没有确认：发布者永远不知道 broker 是否保存了消息。";
    ModeConfirmHelp => "The broker acks each message once it is safe (on disk, on every mirror); many wait at once: safe and fast.", "broker 在消息安全后（已落盘、镜像都有）逐条确认，可同时等待很多条：安全又快。";
    ModeTransactionHelp => "Each tx.commit waits for the broker to write the batch to disk: safe, but slow.", "每次 tx.commit 都要等 broker 把这一批写入磁盘：安全，但慢。";
    PersistentField => "Persistent messages (delivery_mode 2)", "持久消息 (delivery_mode 2)";
    QueuesSection => "Queues", "队列";
    PublisherSection => "Publishers", "发布者";
    DurableField => "Durable queue", "持久队列 (durable)";
    QueueTypeField => "Queue type", "队列类型";
    AutoAckField => "autoAck (acked on delivery)", "autoAck（投递即确认）";
    PrefetchField => "Prefetch (basic.qos; 0 = unlimited)", "Prefetch（basic.qos；0 = 不限）";
    ConsumerCountField => "Number of consumers (added ones copy the last)", "消费者数量（新增的照最后一个复制）";
    MessageTtlField => "Message TTL (ms; empty = none)", "消息 TTL（毫秒；留空 = 不设）";
    MaxLengthField => "Max length (ready messages; empty = none)", "最大长度（就绪消息数；留空 = 不限）";
    OverflowField => "Overflow", "溢出策略";
    OverflowDropHead => "drop-head", "drop-head（丢最早的）";
    OverflowDropHeadHelp => "A full queue drops its oldest ready message, confirmed or not (dead-lettered if a DLX is set).", "队列满时丢掉最早的就绪消息，不管是否已确认（设置了死信交换机则转入死信）。";
    OverflowRejectPublish => "reject-publish", "reject-publish（拒收新消息）";
    OverflowRejectPublishHelp => "A full queue refuses new messages; with confirms the publisher gets a nack.", "队列满时拒收新消息；开启确认时生产者会收到 nack。";
    Apply => "Apply", "应用";
    Modified => "changed by you", "已由你修改";
    SettingsHint => "Apply rebuilds the scenario from the start with these settings.", "点击“应用”会用这些设置从头重建场景。";
    Invalid => "Not applied:", "未应用：";
    NotANumber => "must be a whole number", "必须是整数";
    BadLink => "This link is damaged.", "此链接有误。";
    // Ledger
    LedgerMotto => "不能多，不能少 — no more, no fewer", "不能多，不能少";
    ConsumerSide => "Consumers and stores", "消费者与下游存储";
    Deliveries => "Deliv.", "投递";
    ProcRows => "Proc./rows", "处理/行";
    ConsNotDelivered => "not delivered", "未投递";
    ConsDelivered => "delivered, not processed", "已投递，未处理";
    ConsProcessed => "✓ processed once", "✓ 处理一次";
    ConsDuplicated => "⚠ duplicate rows", "⚠ 重复行";
    ConsDeduplicated => "✓ repeat stopped", "✓ 重复已拦截";
    ConsSkipped => "⚠ skipped: never processed", "⚠ 被跳过：从未处理";
    LifeHeading => "Its whole life (steps after this one greyed)", "它的完整经历（当前之后的步骤为灰色）";
    LifeNoEvents => "No step of the trace concerns it.", "轨迹中没有涉及它的步骤。";
    NotDeliveredYet => "not delivered to a consumer yet", "还没有投递给消费者";
    NoMessages => "No message produced yet.", "还没有发送任何消息。";
    Message => "Message", "消息";
    Ack => "Acked @", "确认 @";
    Replicas => "Replicas", "副本";
    Reads => "Reads", "读取次数";
    Fate => "Fate", "结局";
    SelectMessage => "Select to highlight on the stage", "选中后在舞台上高亮";
    // Fates
    FatePending => "… pending", "… 等待确认";
    FateFailed => "✕ failed (producer told)", "✕ 失败（生产者已知）";
    FateVisible => "✓ visible", "✓ 可读";
    FateInQueue => "✓ in the queue", "✓ 在队列中";
    FateStored => "◐ stored, uncommitted", "◐ 已写入，未提交";
    FateUnavailable => "○ unavailable (no leader)", concat!("○ 不可用（无 ", term_zh!(leader), "）");
    FateLost => "⚠ LOST", "⚠ 丢失";
    FateVisibleUnacked => "? visible but never acked", "? 未确认却可读";
    FateConsumed => "✓ delivered and acked", "✓ 已投递并确认";
    FateAborted => "↺ transaction aborted", "↺ 事务已中止";
    LessonLoading => "Loading the lesson…", "正在加载课程…";
    // Event log
    NoEvents => "Nothing has happened yet. Step forward to start.", "还没有发生任何事。前进一步开始。";
    SevInfo => "ℹ info", "ℹ 信息";
    SevNotice => "● notice", "● 注意";
    SevAlert => "⚠ alert", "⚠ 警告";
    EarlierSteps => "Earlier steps are not listed.", "更早的步骤未列出。";
    ShowRoutine => "Show routine events", "显示例行事件";
    // Envelopes
    Data => "data", "数据";
    AckKind => "ack", "确认";
    ErrorKind => "error", "错误";
    ControlKind => "control", "控制";
    Legend => "Legend", "图例";
    EpochColour => concat!("cell colour = ", term_en!(leader_epoch)), concat!("格子颜色 = ", term_zh!(leader_epoch));
    // Lessons
    Lessons => "Lessons", "课程";
    Sandbox => "Sandbox", "沙盒";
    MainNav => "Pages", "页面";
    HomeTitle => "Interview questions on message queues, answered on a live cluster", "消息队列面试题：在真实运转的集群上找答案";
    HomeIntro => "Pick a question. Each lesson tells you the idea, asks you to predict, lets you break the cluster yourself, shows every message's fate on the ledger, and ends with the answer an interviewer wants to hear.", "选一道题。每节课先讲原理，再请你预测，让你亲手弄坏集群，在账本上看清每条消息的去向，最后给出面试官想听到的答案。";
    OpenSandbox => "Open the sandbox: every scenario, every setting", "打开沙盒：所有场景，所有设置";
    QHighAvailability => "How do you make a message queue highly available?", "如何保证消息队列的高可用？";
    QDuplicateConsumption => "How do you keep a message from being consumed twice?", "如何保证消息不被重复消费？";
    QIdempotency => "How do you make consuming idempotent?", "如何保证消息消费的幂等性？";
    QMessageLoss => "How do you make sure no message is lost?", "如何保证消息的可靠传输（不丢消息）？";
    QOrdering => "How do you keep messages in order?", "如何保证消息的顺序性？";
    QBacklog => "Millions of messages are backed up: what now?", "几百万条消息积压了怎么办？";
    QDesign => "How would you design a message queue?", "如果让你设计一个消息队列，你会怎么设计？";
    LessonFinished => "✓ finished", "✓ 已完成";
    LessonSteps => "{n} steps", "共 {n} 步";
    LessonResume => "Resume at step {k} of {n}", "从第 {k} 步继续（共 {n} 步）";
    LessonTab => "Lesson", "课程";
    StepOf => "Step {k} of {n}", "第 {k} 步，共 {n} 步";
    StepsNav => "Steps of this lesson", "本课的步骤";
    GoToStep => "Step {k}", "第 {k} 步";
    KindNarrate => "Read", "阅读";
    KindPlay => "Watch", "观察";
    KindAct => "Your turn", "动手";
    KindSwitch => "Change a setting", "修改设置";
    KindChoose => "Predict", "预测";
    KindEstimate => "Estimate", "估算";
    KindCheck => "Check", "检查";
    KindChallenge => "Design challenge", "设计挑战";
    CheckDesign => "Check my design", "检验我的设计";
    ShowDesign => "Show me a design that works", "给我看一个可行的设计";
    ChallengeHowTo => "Change the design in the Settings tab and press Apply, then check it here. Each goal replays your design from the start: once for every broker killed, or against the same design with one setting back.", "在“设置”页修改设计并点击“应用”，再回到这里检验。每个目标都会从头重放你的设计：每次杀掉一个 broker，或与只改回一个设置的同一设计对比。";
    StatusChallenge => "Waiting: not every goal is met yet.", "等待中：还有目标没有达成。";
    GoalMet => "✓ met", "✓ 达成";
    GoalMissed => "✕ not met", "✕ 未达成";
    GoalUnchecked => "○ not checked yet", "○ 尚未检验";
    LessonPlay => "▶ Play", "▶ 播放";
    LessonPause => "❚❚ Pause", "❚❚ 暂停";
    DoItForMe => "Do it for me", "帮我操作";
    SkipToIt => "» Skip to that moment", "» 直接跳到那一刻";
    SwitchForMe => "Switch it for me", "帮我切换";
    SwitchElsewhere => "Or change it yourself in the Settings tab and press Apply.", "也可以在“设置”页自己修改并点击“应用”。";
    Hint => "Hint", "提示";
    YourPrediction => "Your prediction", "你的预测";
    YourEstimate => "Your estimate", "你的估算";
    CheckPrediction => "Check my prediction", "核对我的预测";
    PredictionRight => "✓ Right.", "✓ 答对了。";
    PredictionWrong => "✕ That is not what the model shows. Think again.", "✕ 模型给出的结果不是这样。再想想。";
    PredictionTooLow => "✕ Too few: the model shows more.", "✕ 太少了：模型给出的更多。";
    PredictionTooHigh => "✕ Too many: the model shows fewer.", "✕ 太多了：模型给出的更少。";
    OutcomeNumber => "At the end of the trace the model shows {n}.", "播放到最后，模型给出的是 {n}。";
    OutcomeProven => "Play it to the end and the stage shows it.", "播放到最后，舞台上就能看到。";
    StatusDone => "✓ Done. Go on when you are ready.", "✓ 完成。准备好了就继续。";
    StatusRead => "Read, then go on.", "读完后继续。";
    StatusPlay => "Press ▶ Play: the scenario plays until the moment this step is about.", "按 ▶ 播放：场景会播放到这一步要看的那一刻。";
    StatusAct => "Waiting: the stage does not show it done yet. Click a node to act on it, then play on.", "等待中：舞台上还看不出已完成。点击节点进行操作，然后继续播放。";
    StatusSwitch => "Waiting for the setting to change.", "等待设置被修改。";
    StatusPredict => "Make your prediction before you play.", "先做出预测，再播放。";
    StatusCheck => "Waiting: the stage does not show it yet. Play on.", "等待中：舞台上还看不出来。继续播放。";
    Back => "← Back", "← 上一步";
    Next => "Next →", "下一步 →";
    Finish => "Finish ✓", "完成 ✓";
    ToSandbox => "Leave the lesson: this world in the sandbox", "离开课程：在沙盒中继续这个场景";
    AnswerHeading => "What an interviewer wants to hear", "面试官想听到的答案";
    AnswerShown => "shown in step {k}", "见第 {k} 步";
    BackToLessons => "← All lessons", "← 全部课程";
    LessonDone => "Lesson finished. Your progress is saved in this browser.", "本课完成。进度已保存在此浏览器中。";
    NextInQuestion => "Next in “{question}”: {title} →", "同一问题「{question}」的下一课：{title} →";
    LastOfQuestion => "That was the last lesson of “{question}”.", "这是问题「{question}」的最后一课。";
    NextQuestion => "Next question, “{question}”: {title} →", "下一个问题「{question}」：{title} →";
    LastLessonOfAll => "That was the last lesson of the last question: back to the lesson map →", "这是最后一个问题的最后一课：返回课程地图 →";
}

/// The question's heading on the lesson map.
pub fn question_text(q: Question) -> T {
    match q {
        Question::HighAvailability => T::QHighAvailability,
        Question::DuplicateConsumption => T::QDuplicateConsumption,
        Question::Idempotency => T::QIdempotency,
        Question::MessageLoss => T::QMessageLoss,
        Question::Ordering => T::QOrdering,
        Question::Backlog => T::QBacklog,
        Question::Design => T::QDesign,
    }
}

/// A text with `{k}` and `{n}` filled in.
pub fn fill(t: T, lang: Lang, k: usize, n: usize) -> String {
    t.get(lang)
        .replace("{k}", &k.to_string())
        .replace("{n}", &n.to_string())
}

/// "step 12 / 340".
pub fn step_of(lang: Lang, step: u64, total: u64) -> String {
    match lang {
        Lang::En => format!("step {step} / {total}"),
        Lang::Zh => format!("第 {step} / {total} 步"),
    }
}

/// "t = 9.214 s".
pub fn sim_time(ms: u64) -> String {
    format!("t = {}.{:03} s", ms / 1000, ms % 1000)
}

pub fn offset_at(lang: Lang, offset: u64) -> String {
    match lang {
        Lang::En => format!("✓ @{offset}"),
        Lang::Zh => format!("✓ @{offset}"),
    }
}

/// An acks=0 send: the Java client reports offset -1 (the same in both languages).
pub fn offset_at_unknown() -> &'static str {
    "✓ @-1"
}

pub fn steps_heading(lang: Lang, step: u64, time_ms: u64) -> String {
    let t = sim_time(time_ms);
    match lang {
        Lang::En => format!("Step {step} · {t}"),
        Lang::Zh => format!("第 {step} 步 · {t}"),
    }
}

pub fn broker_aria(lang: Lang, name: &str, status: &str, leads: &[String]) -> String {
    let leads = leads.join(", ");
    match (lang, leads.is_empty()) {
        (Lang::En, true) => format!("{name}, {status}, leads nothing"),
        (Lang::En, false) => format!("{name}, {status}, leader of {leads}"),
        (Lang::Zh, true) => format!(
            "{name}，{status}，不是任何分区的 {leader}",
            leader = term_zh!(leader)
        ),
        (Lang::Zh, false) => format!(
            "{name}，{status}，{leads} 的 {leader}",
            leader = term_zh!(leader)
        ),
    }
}

pub fn isr_list(ids: &[u32]) -> String {
    format!("ISR {}", id_set(ids))
}

fn id_set(ids: &[u32]) -> String {
    let list: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
    format!("{{{}}}", list.join(","))
}

/// A partition's ISR and, when there is one, its ELR (KIP-966): "ISR {1,2}",
/// "ISR {2} · ELR {1}", "ISR empty · ELR {1}" (an ISR only empties with ELR on). `compact`
/// drops the spaces, for a narrow slot.
pub fn isr_elr(lang: Lang, isr: &[u32], elr: &[u32], compact: bool) -> String {
    let empty = match lang {
        Lang::En => "empty",
        Lang::Zh => "为空",
    };
    let (space, sep) = if compact { ("", "·") } else { (" ", " · ") };
    let isr_part = if isr.is_empty() && !compact {
        format!("ISR {empty}")
    } else {
        format!("ISR{space}{}", id_set(isr))
    };
    if elr.is_empty() && !isr.is_empty() {
        return isr_part;
    }
    let elr_part = if elr.is_empty() && !compact {
        format!("ELR {empty}")
    } else {
        format!("ELR{space}{}", id_set(elr))
    };
    format!("{isr_part}{sep}{elr_part}")
}

pub fn mark_aria(lang: Lang, step: u64, text: &str) -> String {
    match lang {
        Lang::En => format!("Step {step}: {text}"),
        Lang::Zh => format!("第 {step} 步：{text}"),
    }
}

pub fn epoch(lang: Lang, epoch: u32) -> String {
    match lang {
        Lang::En => format!("epoch {epoch}"),
        Lang::Zh => format!("{term} {epoch}", term = term_zh!(epoch)),
    }
}

pub fn cell_title(lang: Lang, offset: u64, label: &str, epoch: u32) -> String {
    match lang {
        Lang::En => format!("offset {offset} · {label} · leader epoch {epoch}"),
        Lang::Zh => format!(
            "{o} {offset} · {label} · {le} {epoch}",
            o = term_zh!(offset),
            le = term_zh!(leader_epoch)
        ),
    }
}

pub fn generation(lang: Lang, generation: u32) -> String {
    match lang {
        Lang::En => format!("generation {generation}"),
        Lang::Zh => format!("第 {generation} 代"),
    }
}

pub fn coordinator(lang: Lang, broker: &str) -> String {
    match lang {
        Lang::En => format!("coordinator {broker}"),
        Lang::Zh => format!("协调者 {broker}"),
    }
}

/// "expected 6 · actual 10 rows" (keys for a Redis set).
pub fn store_count(lang: Lang, expected: u32, actual: usize, keys: bool) -> String {
    match (lang, keys) {
        (Lang::En, false) => format!("expected {expected} · actual {actual} rows"),
        (Lang::En, true) => format!("expected {expected} · actual {actual} keys"),
        (Lang::Zh, false) => format!("期望 {expected} 行 · 实际 {actual} 行"),
        (Lang::Zh, true) => format!("期望 {expected} 个键 · 实际 {actual} 个键"),
    }
}

pub fn duplicate_rows(lang: Lang, extra: usize) -> String {
    match lang {
        Lang::En => format!("⚠ {extra} duplicate row(s)"),
        Lang::Zh => format!("⚠ {extra} 行重复"),
    }
}

pub fn repeats_stopped(lang: Lang, n: u32) -> String {
    match lang {
        Lang::En => format!("repeats stopped: {n}"),
        Lang::Zh => format!("拦截的重复：{n}"),
    }
}

pub fn earlier_rows(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("… {n} earlier not shown"),
        Lang::Zh => format!("… 更早的 {n} 项未显示"),
    }
}

pub fn seen_ids(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("seen-set (SISMEMBER): {n} id(s)"),
        Lang::Zh => format!("去重集合 (SISMEMBER)：{n} 个 id"),
    }
}

pub fn row_title(lang: Lang, key: &str, by: &str, writes: u32, duplicate: bool) -> String {
    let mut out = match lang {
        Lang::En => format!("{key} · written by {by}"),
        Lang::Zh => format!("{key} · 由 {by} 写入"),
    };
    if writes > 1 {
        out.push_str(&match lang {
            Lang::En => format!(" · {writes} writes on this row"),
            Lang::Zh => format!(" · 此行被写了 {writes} 次"),
        });
    }
    if duplicate {
        out.push_str(&match lang {
            Lang::En => " · another row has the same key: a duplicate".to_string(),
            Lang::Zh => " · 另有一行键相同：重复".to_string(),
        });
    }
    out
}

pub fn position_title(lang: Lang, consumers: &str, offset: u64) -> String {
    match lang {
        Lang::En => format!("{consumers}: position {offset}, the next offset poll() returns"),
        Lang::Zh => format!(
            "{consumers}：位置 {offset}，poll() 下次返回的 {o}",
            o = term_zh!(offset)
        ),
    }
}

pub fn committed_title(lang: Lang, groups: &str, offset: u64) -> String {
    match lang {
        Lang::En => {
            format!("group {groups} committed {offset}: where a new owner of the partition starts")
        }
        Lang::Zh => format!(
            "{g} {groups} 已提交 {offset}：{p}的新主人从这里开始读",
            g = term_zh!(consumer_group),
            p = term_zh!(partition)
        ),
    }
}

pub fn consumer_aria(
    lang: Lang,
    name: &str,
    group: &str,
    state: &str,
    partitions: String,
    in_hand: usize,
) -> String {
    // No partitions: a RabbitMQ consumer, and its group is its queue.
    match (lang, partitions.is_empty()) {
        (Lang::En, false) => format!("{name}, consumer in group {group}, {state}, partitions {partitions}, {in_hand} record(s) in hand"),
        (Lang::En, true) => format!("{name}, consumer of queue {group}, {state}, {in_hand} message(s) in hand"),
        (Lang::Zh, false) => format!("{name}，{g} {group} 的消费者，{state}，分区 {partitions}，手上 {in_hand} 条消息", g = term_zh!(consumer_group)),
        (Lang::Zh, true) => format!("{name}，队列 {group} 的消费者，{state}，手上 {in_hand} 条消息"),
    }
}

/// The ledger's expected-against-actual line for one store: 不能多，不能少.
pub fn expected_vs_actual(lang: Lang, store: &str, expected: u32, actual: usize) -> String {
    let expected_n = expected as usize;
    let verdict = match (lang, actual.cmp(&expected_n)) {
        (Lang::En, std::cmp::Ordering::Greater) => {
            format!("⚠ {} too many (不能多)", actual - expected_n)
        }
        (Lang::En, std::cmp::Ordering::Less) => {
            format!("{} fewer so far (不能少)", expected_n - actual)
        }
        (Lang::En, std::cmp::Ordering::Equal) => "✓ no more, no fewer".to_string(),
        (Lang::Zh, std::cmp::Ordering::Greater) => {
            format!("⚠ 多了 {}（不能多）", actual - expected_n)
        }
        (Lang::Zh, std::cmp::Ordering::Less) => {
            format!("目前少了 {}（不能少）", expected_n - actual)
        }
        (Lang::Zh, std::cmp::Ordering::Equal) => "✓ 不多不少".to_string(),
    };
    match lang {
        Lang::En => format!("{store}: expected {expected}, actual {actual} — {verdict}"),
        Lang::Zh => format!("{store}：期望 {expected}，实际 {actual} — {verdict}"),
    }
}

pub fn life_produced(lang: Lang, producer: &str, attempts: u32) -> String {
    match lang {
        Lang::En => format!("produced by {producer}, {attempts} attempt(s)"),
        Lang::Zh => format!("由 {producer} 发送，尝试 {attempts} 次"),
    }
}

pub fn life_delivered(lang: Lang, to: &[String]) -> String {
    let list = to.join(", ");
    match lang {
        Lang::En => format!("delivered {} time(s): {list}", to.len()),
        Lang::Zh => format!("投递 {} 次：{list}", to.len()),
    }
}

pub fn life_processed(lang: Lang, processed: u32, rows: u32) -> String {
    match lang {
        Lang::En => format!("processed {processed} time(s), {rows} row(s) in the store"),
        Lang::Zh => format!("处理 {processed} 次，存储中 {rows} 行"),
    }
}

/// A publisher's measured throughput: "⚡ 490 msg/s" ("—" before its first confirm).
pub fn per_second(lang: Lang, rate: Option<u32>) -> String {
    let rate = rate.map_or("—".to_string(), |r| r.to_string());
    match lang {
        Lang::En => format!("⚡ {rate} msg/s"),
        Lang::Zh => format!("⚡ {rate} 条/秒"),
    }
}

/// A queue replica's counts: "ready 4 · unacked 3 · disk 4".
pub fn queue_counts(lang: Lang, ready: usize, unacked: usize, on_disk: u32) -> String {
    match lang {
        Lang::En => format!("ready {ready} · unacked {unacked} · disk {on_disk}"),
        Lang::Zh => format!("就绪 {ready} · 未确认 {unacked} · 磁盘 {on_disk}"),
    }
}

/// A message in a queue, for its cell's tooltip.
pub fn queue_item_title(lang: Lang, m: &QueueItem, unacked: bool) -> String {
    let (state, again) = match lang {
        Lang::En => (
            if unacked {
                "delivered, not acked"
            } else {
                "ready"
            },
            " · redelivered",
        ),
        Lang::Zh => (
            if unacked {
                "已投递，未确认"
            } else {
                "就绪"
            },
            " · 重新投递",
        ),
    };
    let kind = if m.persistent {
        T::Persistent
    } else {
        T::TransientMsg
    };
    format!(
        "{} · {state}{} · {}",
        m.label,
        if m.redelivered { again } else { "" },
        kind.get(lang)
    )
}

pub fn confirmed(lang: Lang, n: u32) -> String {
    match lang {
        Lang::En => format!("✓ {n} confirmed"),
        Lang::Zh => format!("✓ 已确认 {n} 条"),
    }
}

/// A counter that matters, as a phrase about one run's end: in full when it happened ("5
/// acknowledged messages lost"), short when it did not ("0 lost").
/// RabbitMQ says "confirmed" where Kafka says "acknowledged".
pub fn outcome_phrase(lang: Lang, counter: Counter, n: u32, full: bool, rabbit: bool) -> String {
    let s = if n == 1 { "" } else { "s" };
    let acked = if rabbit { "confirmed" } else { "acknowledged" };
    match (lang, full) {
        (Lang::En, true) => match counter {
            Counter::Lost => format!("{n} {acked} message{s} lost"),
            Counter::Skipped => format!("{n} message{s} never processed (lost)"),
            Counter::Failed => format!("{n} message{s} failed to send"),
            Counter::Unavailable => format!("{n} message{s} unavailable (no replica to read)"),
            Counter::Duplicated => format!("{n} message{s} stored more than once"),
            Counter::StoreDuplicates => format!("{n} message{s} with duplicate rows in the store"),
            Counter::OutOfOrder => format!("{n} message{s} out of order"),
        },
        (Lang::En, false) => format!("{n} {}", counter_name(lang, counter)),
        (Lang::Zh, true) => match counter {
            Counter::Lost => format!("{n} 条已确认的消息丢失"),
            Counter::Skipped => format!("{n} 条消息从未被处理（丢失）"),
            Counter::Failed => format!("{n} 条消息发送失败"),
            Counter::Unavailable => format!("{n} 条消息不可用（没有可读的副本）"),
            Counter::Duplicated => format!("{n} 条消息被重复存储"),
            Counter::StoreDuplicates => format!("{n} 条消息在存储中有重复行"),
            Counter::OutOfOrder => format!("{n} 条消息乱序"),
        },
        (Lang::Zh, false) => format!("{} {n} 条", counter_name(lang, counter)),
    }
}

/// A counter that matters, in one or two words.
pub fn counter_name(lang: Lang, counter: Counter) -> &'static str {
    match (lang, counter) {
        (Lang::En, Counter::Lost) => "lost",
        (Lang::En, Counter::Skipped) => "never processed",
        (Lang::En, Counter::Failed) => "failed",
        (Lang::En, Counter::Unavailable) => "unavailable",
        (Lang::En, Counter::Duplicated) => "duplicated",
        (Lang::En, Counter::StoreDuplicates) => "with duplicate rows",
        (Lang::En, Counter::OutOfOrder) => "out of order",
        (Lang::Zh, Counter::Lost) => "丢失",
        (Lang::Zh, Counter::Skipped) => "未处理",
        (Lang::Zh, Counter::Failed) => "失败",
        (Lang::Zh, Counter::Unavailable) => "不可用",
        (Lang::Zh, Counter::Duplicated) => "重复存储",
        (Lang::Zh, Counter::StoreDuplicates) => "重复行",
        (Lang::Zh, Counter::OutOfOrder) => "乱序",
    }
}

/// When a counter that matters first parts: "t = 11.001 s, when “lost” first differs".
pub fn outcome_moment(lang: Lang, counter: Counter, time_ms: u64) -> String {
    let t = sim_time(time_ms);
    match lang {
        Lang::En => format!("{t}, when “{}” first differs", counter_name(lang, counter)),
        Lang::Zh => format!("{t}，“{}”首次出现差异", counter_name(lang, counter)),
    }
}
