//! Every string the UI shows, in 中文 and English. Happenings and timeline marks carry their
//! own two texts; everything else is here, one key per string.

pub use mqlab_scenario::Lang;

macro_rules! texts {
    ($($key:ident => $en:literal, $zh:literal;)*) => {
        /// A user-facing string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum T { $($key),* }

        impl T {
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, Lang::En) => $en, (T::$key, Lang::Zh) => $zh,)*
                }
            }
        }
    };
}

texts! {
    Tagline => "Kafka replication and failover, one step at a time", "一步一步看懂 Kafka 的副本与故障转移";
    Scenario => "Scenario", "场景";
    SwitchLanguage => "Switch language to 中文", "Switch language to English";
    OtherLanguage => "中文", "English";
    StageLabel => "The cluster: producers, brokers and the controller", "集群：生产者、Broker 与控制器";
    // Node states
    Up => "up", "运行中";
    Crashed => "✕ crashed", "✕ 已崩溃";
    Stopped => "■ stopped", "■ 已停止";
    Isolated => "⚡ isolated", "⚡ 已隔离";
    Fenced => "⊘ fenced", "⊘ 已被控制器隔离 (fenced)";
    Controller => "controller", "控制器";
    ControllerBadge => "♔ KRaft controller", "♔ KRaft 控制器";
    Producer => "producer", "生产者";
    Reader => "reader", "消费者";
    Leader => "♛ leader", "♛ 首领";
    Follower => "follower", "追随者";
    StaleLeader => "♛? thinks it leads", "♛? 自认为是首领";
    Offline => "offline: no leader", "离线：无首领";
    InIsr => "✓ in ISR", "✓ 在 ISR 中";
    OutOfIsr => "✕ out of ISR", "✕ 不在 ISR 中";
    NoReplica => "no replica here", "此处无副本";
    CutLink => "✂ cut", "✂ 断开";
    SlowLink => "~ slow", "~ 变慢";
    EarlierCells => "earlier offsets not shown", "更早的偏移量未显示";
    // Node menu
    NodeActions => "Actions", "操作";
    Kill => "Kill (kill -9)", "强杀 (kill -9)";
    StopGracefully => "Stop gracefully", "正常停止";
    Restart => "Restart", "重启";
    Isolate => "Isolate from the network", "从网络隔离";
    Reconnect => "Reconnect", "恢复网络";
    Produce5 => "Produce 5 messages", "发送 5 条消息";
    Close => "Close", "关闭";
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
    KeyMenu => "on a focused broker: open its actions", "焦点在 Broker 上时：打开操作菜单";
    KeyHelp => "show / hide this list", "显示 / 隐藏此列表";
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
    Unclean => "Unclean leader election", "允许非同步副本当选首领 (unclean)";
    Idempotence => "Idempotent producer (enable.idempotence)", "幂等生产者 (enable.idempotence)";
    AutoCommitInterval => "Auto-commit interval, ms (auto.commit.interval.ms)", "自动提交间隔，毫秒 (auto.commit.interval.ms)";
    Retries => "Producer retries", "生产者重试次数 (retries)";
    MaxInFlight => "Requests in flight per connection", "每个连接的在途请求数 (max.in.flight)";
    Seed => "Random seed", "随机种子";
    Apply => "Apply", "应用";
    Modified => "changed by you", "已由你修改";
    SettingsHint => "Apply rebuilds the scenario from the start with these settings.", "点击“应用”会用这些设置从头重建场景。";
    Invalid => "Not applied:", "未应用：";
    NotANumber => "must be a whole number", "必须是整数";
    BadLink => "This link's scenario could not be opened, so the first example is shown.", "无法打开此链接中的场景，已改为显示第一个示例。";
    // Ledger
    LedgerMotto => "不能多，不能少 — no more, no fewer", "不能多，不能少";
    Produced => "produced", "已发送";
    Acknowledged => "acknowledged", "已确认";
    Visible => "visible", "可读";
    Lost => "lost", "丢失";
    Unavailable => "unavailable", "不可用";
    Failed => "failed", "失败";
    Duplicated => "duplicated", "重复";
    OutOfOrder => "out of order", "乱序";
    Pending => "pending", "等待中";
    NoMessages => "No message produced yet.", "还没有发送任何消息。";
    Message => "Message", "消息";
    Partition => "Partition", "分区";
    Ack => "Acked @", "确认 @";
    Replicas => "Replicas", "副本";
    Reads => "Reads", "读取次数";
    Fate => "Fate", "结局";
    SelectMessage => "Select to highlight on the stage", "选中后在舞台上高亮";
    // Fates
    FatePending => "… pending", "… 等待确认";
    FateFailed => "✕ failed (producer told)", "✕ 失败（生产者已知）";
    FateVisible => "✓ visible", "✓ 可读";
    FateStored => "◐ stored, uncommitted", "◐ 已写入，未提交";
    FateUnavailable => "○ unavailable (no leader)", "○ 不可用（无首领）";
    FateLost => "⚠ LOST", "⚠ 丢失";
    FateVisibleUnacked => "? visible but never acked", "? 未确认却可读";
    FateConsumed => "✓ consumed and acked", "✓ 已消费并确认";
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
    EpochColour => "cell colour = leader epoch", "格子颜色 = 首领纪元";
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
        (Lang::Zh, true) => format!("{name}，{status}，不是任何分区的首领"),
        (Lang::Zh, false) => format!("{name}，{status}，{leads} 的首领"),
    }
}

pub fn isr_list(ids: &[u32]) -> String {
    let list: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
    format!("ISR {{{}}}", list.join(","))
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
        Lang::Zh => format!("纪元 {epoch}"),
    }
}

pub fn cell_title(lang: Lang, offset: u64, label: &str, epoch: u32) -> String {
    match lang {
        Lang::En => format!("offset {offset} · {label} · leader epoch {epoch}"),
        Lang::Zh => format!("偏移量 {offset} · {label} · 首领纪元 {epoch}"),
    }
}
