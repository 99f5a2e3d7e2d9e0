//! A real 3-node RabbitMQ cluster on loopback, from Debian's `rabbitmq-server` package.
//!
//! The harness owns every process it starts (epmd and the nodes' `beam.smp`) by PID: a crash
//! fault is `kill -9` of the node's PID, a graceful stop is `rabbitmqctl stop` followed by a
//! wait on that PID, a restart starts the same node again with the same environment. The PIDs
//! are also written to `<base>/pids` so the wrapper script can end them if this process is
//! killed before its `Drop` runs. Nothing else on the machine is touched: the cluster uses its
//! own epmd port, its own AMQP and distribution ports and a temporary directory.

use serde_json::Value;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Debian installs the scripts here; the `/usr/sbin` wrappers switch user and HOME (and so
/// read the wrong cookie), these do not.
pub const BIN: &str = "/usr/lib/rabbitmq/bin";
pub const NODES: u32 = 3;

/// Ports: AMQP `amqp_base + n`, distribution `dist_base + n`, one epmd of our own.
#[derive(Clone, Copy, Debug)]
pub struct Ports {
    pub epmd: u16,
    pub amqp_base: u16,
    pub dist_base: u16,
}

impl Default for Ports {
    fn default() -> Self {
        Ports {
            epmd: 44369,
            amqp_base: 45670,
            dist_base: 45680,
        }
    }
}

impl Ports {
    /// The defaults, shifted by `MQLAB_CONFORMANCE_PORT_OFFSET` (to run two suites at once).
    pub fn from_env() -> Ports {
        let offset: u16 = std::env::var("MQLAB_CONFORMANCE_PORT_OFFSET")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let d = Ports::default();
        Ports {
            epmd: d.epmd + offset,
            amqp_base: d.amqp_base + offset,
            dist_base: d.dist_base + offset,
        }
    }
}

pub struct Cluster {
    pub base: PathBuf,
    ports: Ports,
    epmd: Option<Child>,
    /// Index n-1: node `rabbit<n>@localhost`, while its process is running.
    nodes: Vec<Option<Child>>,
    /// Kept on exit (for post-mortems).
    pub keep_dir: bool,
}

pub fn node_name(n: u32) -> String {
    format!("rabbit{n}@localhost")
}

/// `rabbit-2` (the scenario's name) → 2.
pub fn node_index(name: &str) -> Option<u32> {
    name.strip_prefix("rabbit-")?.parse().ok()
}

fn log(msg: &str) {
    eprintln!("[cluster] {msg}");
}

/// Install Debian's package if it is missing; fail loudly if that is impossible.
pub fn ensure_installed() -> Result<(), String> {
    if Path::new(BIN).join("rabbitmq-server").exists() {
        return Ok(());
    }
    log("rabbitmq-server is not installed: apt-get install -y rabbitmq-server");
    let run = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map_err(|e| format!("apt-get: {e}"))
    };
    let s = run(&["install", "-y", "rabbitmq-server"])?;
    if !s.success() {
        run(&["update"])?;
        let s = run(&["install", "-y", "rabbitmq-server"])?;
        if !s.success() {
            return Err("apt-get install -y rabbitmq-server failed: cannot run the conformance suite without a real broker".into());
        }
    }
    if !Path::new(BIN).join("rabbitmq-server").exists() {
        return Err(format!(
            "rabbitmq-server installed, but {BIN}/rabbitmq-server is missing"
        ));
    }
    Ok(())
}

impl Cluster {
    /// Start epmd and three fresh nodes and join them into one cluster.
    pub fn start(base: &Path, ports: Ports) -> Result<Cluster, String> {
        ensure_installed()?;
        if base.exists() {
            fs::remove_dir_all(base).map_err(|e| format!("{}: {e}", base.display()))?;
        }
        let mut cluster = Cluster {
            base: base.to_path_buf(),
            ports,
            epmd: None,
            nodes: (0..NODES).map(|_| None).collect(),
            keep_dir: false,
        };
        cluster.prepare_dirs()?;
        cluster.start_epmd()?;
        let t = Instant::now();
        for n in 1..=NODES {
            cluster.spawn_node(n)?;
        }
        for n in 1..=NODES {
            cluster.wait_ready(n, Duration::from_secs(90))?;
        }
        for n in 2..=NODES {
            cluster.ctl(n, &["stop_app"])?;
            cluster.ctl(n, &["join_cluster", &node_name(1)])?;
            cluster.ctl(n, &["start_app"])?;
        }
        cluster.wait_running_nodes(Duration::from_secs(30))?;
        log(&format!(
            "3-node cluster up in {:.1} s",
            t.elapsed().as_secs_f64()
        ));
        Ok(cluster)
    }

    fn node_dir(&self, n: u32) -> PathBuf {
        self.base.join(format!("n{n}"))
    }

    pub fn amqp_port(&self, n: u32) -> u16 {
        self.ports.amqp_base + n as u16
    }

    pub fn amqp_uri(&self, n: u32) -> String {
        format!("amqp://guest:guest@127.0.0.1:{}/%2f", self.amqp_port(n))
    }

    fn prepare_dirs(&self) -> Result<(), String> {
        let home = self.base.join("home");
        fs::create_dir_all(&home).map_err(|e| e.to_string())?;
        let cookie = home.join(".erlang.cookie");
        fs::write(&cookie, "MQLABCONFORMANCECOOKIE").map_err(|e| e.to_string())?;
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&cookie, fs::Permissions::from_mode(0o400))
            .map_err(|e| e.to_string())?;
        for n in 1..=NODES {
            let d = self.node_dir(n);
            for sub in ["mnesia", "log", "plugins"] {
                fs::create_dir_all(d.join(sub)).map_err(|e| e.to_string())?;
            }
            fs::write(
                d.join("rabbitmq.conf"),
                format!(
                    "listeners.tcp.default = 127.0.0.1:{}\nloopback_users = none\n",
                    self.amqp_port(n)
                ),
            )
            .map_err(|e| e.to_string())?;
            fs::write(d.join("enabled_plugins"), "[].\n").map_err(|e| e.to_string())?;
            fs::write(d.join("rabbitmq-env.conf"), "").map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// The environment every Erlang process of ours shares: the cookie's HOME and the epmd.
    fn common_env(&self, cmd: &mut Command) {
        cmd.env("HOME", self.base.join("home"))
            .env("ERL_EPMD_PORT", self.ports.epmd.to_string())
            .env("ERL_EPMD_ADDRESS", "127.0.0.1")
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8");
    }

    fn start_epmd(&mut self) -> Result<(), String> {
        let mut cmd = Command::new("epmd");
        self.common_env(&mut cmd);
        cmd.args(["-port", &self.ports.epmd.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = cmd.spawn().map_err(|e| format!("epmd: {e}"))?;
        self.epmd = Some(child);
        self.write_pids();
        sleep(Duration::from_millis(300));
        Ok(())
    }

    fn spawn_node(&mut self, n: u32) -> Result<(), String> {
        let d = self.node_dir(n);
        let mut cmd = Command::new(format!("{BIN}/rabbitmq-server"));
        self.common_env(&mut cmd);
        cmd.env("RABBITMQ_NODENAME", node_name(n))
            .env("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
            .env("RABBITMQ_NODE_PORT", self.amqp_port(n).to_string())
            .env(
                "RABBITMQ_DIST_PORT",
                (self.ports.dist_base + n as u16).to_string(),
            )
            .env("RABBITMQ_MNESIA_BASE", d.join("mnesia"))
            .env("RABBITMQ_LOG_BASE", d.join("log"))
            .env("RABBITMQ_CONFIG_FILE", d.join("rabbitmq.conf"))
            .env("RABBITMQ_ENABLED_PLUGINS_FILE", d.join("enabled_plugins"))
            .env("RABBITMQ_PLUGINS_EXPAND_DIR", d.join("plugins"))
            .env("RABBITMQ_PID_FILE", d.join("pid"))
            .env("RABBITMQ_CONF_ENV_FILE", d.join("rabbitmq-env.conf"))
            // Exec the VM directly (no signal-forwarding wrapper shell), so the PID we hold
            // is beam.smp itself and kill -9 really kills the node; -noinput keeps it
            // detached from stdin.
            .env("RABBITMQ_ALLOW_INPUT", "1")
            .env("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-noinput")
            .stdin(Stdio::null());
        let out = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(d.join("console.log"))
            .map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        cmd.stdout(out).stderr(err);
        let child = cmd
            .spawn()
            .map_err(|e| format!("rabbitmq-server {n}: {e}"))?;
        log(&format!("started {} (pid {})", node_name(n), child.id()));
        self.nodes[n as usize - 1] = Some(child);
        self.write_pids();
        Ok(())
    }

    fn write_pids(&self) {
        let mut s = String::new();
        if let Some(c) = &self.epmd {
            s.push_str(&format!("{}\n", c.id()));
        }
        for c in self.nodes.iter().flatten() {
            s.push_str(&format!("{}\n", c.id()));
        }
        if let Ok(mut f) = fs::File::create(self.base.join("pids")) {
            let _ = f.write_all(s.as_bytes());
        }
    }

    /// Run a CLI tool (`rabbitmqctl`, `rabbitmq-diagnostics`, `rabbitmq-queues`) against node n.
    pub fn tool(&self, tool: &str, n: u32, args: &[&str]) -> Result<String, String> {
        let mut cmd = Command::new(format!("{BIN}/{tool}"));
        self.common_env(&mut cmd);
        cmd.args(["-q", "-n", &node_name(n)])
            .args(args)
            .stdin(Stdio::null());
        let out = cmd.output().map_err(|e| format!("{tool}: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        if out.status.success() {
            Ok(stdout)
        } else {
            Err(format!(
                "{tool} -n {} {}: {}{}",
                node_name(n),
                args.join(" "),
                stdout.trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    pub fn ctl(&self, n: u32, args: &[&str]) -> Result<String, String> {
        self.tool("rabbitmqctl", n, args)
    }

    pub fn is_running(&mut self, n: u32) -> bool {
        match &mut self.nodes[n as usize - 1] {
            Some(c) => matches!(c.try_wait(), Ok(None)),
            None => false,
        }
    }

    fn wait_ready(&mut self, n: u32, limit: Duration) -> Result<(), String> {
        let t = Instant::now();
        loop {
            if !self.is_running(n) {
                return Err(format!(
                    "{} exited while starting; see {}",
                    node_name(n),
                    self.node_dir(n).join("console.log").display()
                ));
            }
            if self.tool("rabbitmq-diagnostics", n, &["ping"]).is_ok() {
                break;
            }
            if t.elapsed() > limit {
                return Err(format!("{} did not answer ping in {limit:?}", node_name(n)));
            }
            sleep(Duration::from_millis(300));
        }
        let left = limit
            .saturating_sub(t.elapsed())
            .as_secs()
            .max(5)
            .to_string();
        self.ctl(n, &["await_startup", "--timeout", &left])?;
        Ok(())
    }

    fn wait_running_nodes(&self, limit: Duration) -> Result<(), String> {
        let t = Instant::now();
        loop {
            let running = self.running_nodes(1).unwrap_or_default();
            if running.len() as u32 == NODES {
                return Ok(());
            }
            if t.elapsed() > limit {
                return Err(format!("cluster has only {running:?} running"));
            }
            sleep(Duration::from_millis(300));
        }
    }

    /// Running nodes as node n sees them.
    pub fn running_nodes(&self, n: u32) -> Result<Vec<String>, String> {
        let out = self.ctl(n, &["cluster_status", "--formatter", "json"])?;
        let v: Value = serde_json::from_str(&out).map_err(|e| e.to_string())?;
        Ok(v["running_nodes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// kill -9 the node's VM.
    pub fn kill(&mut self, n: u32) -> Result<(), String> {
        if let Some(mut c) = self.nodes[n as usize - 1].take() {
            log(&format!("kill -9 {} (pid {})", node_name(n), c.id()));
            let _ = c.kill();
            let _ = c.wait();
        }
        self.write_pids();
        Ok(())
    }

    /// `rabbitmqctl stop`, then wait for the PID to exit (the command returns before it does).
    pub fn stop(&mut self, n: u32) -> Result<(), String> {
        if !self.is_running(n) {
            self.nodes[n as usize - 1] = None;
            return Ok(());
        }
        log(&format!("rabbitmqctl stop {}", node_name(n)));
        let r = self.ctl(n, &["stop"]);
        if let Some(mut c) = self.nodes[n as usize - 1].take() {
            let t = Instant::now();
            loop {
                if let Ok(Some(_)) = c.try_wait() {
                    break;
                }
                if t.elapsed() > Duration::from_secs(60) {
                    log(&format!("{} did not stop in 60 s: kill -9", node_name(n)));
                    let _ = c.kill();
                    let _ = c.wait();
                    break;
                }
                sleep(Duration::from_millis(50));
            }
        }
        self.write_pids();
        r.map(|_| ())
    }

    /// Start a stopped or killed node again (it rejoins the cluster it belongs to).
    pub fn restart(&mut self, n: u32) -> Result<(), String> {
        if self.is_running(n) {
            return Ok(());
        }
        self.nodes[n as usize - 1] = None;
        let t = Instant::now();
        self.spawn_node(n)?;
        self.wait_ready(n, Duration::from_secs(120))?;
        log(&format!(
            "{} back in {:.1} s",
            node_name(n),
            t.elapsed().as_secs_f64()
        ));
        Ok(())
    }

    /// Every node up and in the cluster (restarting the ones a scenario left down).
    pub fn ensure_all_up(&mut self) -> Result<(), String> {
        for n in 1..=NODES {
            if !self.is_running(n) {
                self.restart(n)?;
            }
        }
        self.wait_running_nodes(Duration::from_secs(60))
    }

    /// Remove a scenario's queues, exchanges' policies: the fast reset between scenarios.
    pub fn clear_policies(&self) -> Result<(), String> {
        let out = self.ctl(1, &["list_policies", "--formatter", "json"])?;
        let v: Value = serde_json::from_str(out.trim()).unwrap_or(Value::Null);
        if let Some(a) = v.as_array() {
            for p in a {
                if let Some(name) = p["name"].as_str() {
                    self.ctl(1, &["clear_policy", name])?;
                }
            }
        }
        Ok(())
    }

    /// Queue names in the default vhost.
    pub fn queue_names(&self) -> Result<Vec<String>, String> {
        let out = self.ctl(1, &["list_queues", "name", "--formatter", "json"])?;
        let v: Value = serde_json::from_str(out.trim()).map_err(|e| format!("{e}: {out}"))?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|q| q["name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// `list_queues` with leaders and mirrors (classic) or members (quorum), from node n, as
    /// JSON objects. The default (tab-separated) output is parsed: its JSON formatter prints
    /// pids without their node (`#PID<11017.1190.0>`).
    pub fn queue_placement(&self, n: u32) -> Result<Vec<Value>, String> {
        const COLUMNS: [&str; 9] = [
            "name",
            "type",
            "pid",
            "slave_pids",
            "synchronised_slave_pids",
            "leader",
            "members",
            "online",
            "state",
        ];
        let mut args = vec!["list_queues", "--no-table-headers"];
        args.extend(COLUMNS);
        let out = self.ctl(n, &args)?;
        Ok(out.lines().filter_map(|l| parse_row(&COLUMNS, l)).collect())
    }

    /// Kill everything and start a fresh cluster (when a fast reset is not enough).
    pub fn full_restart(&mut self) -> Result<(), String> {
        log("full restart of the cluster");
        self.shutdown();
        let fresh = Cluster::start(&self.base.clone(), self.ports)?;
        let mut fresh = std::mem::ManuallyDrop::new(fresh);
        self.epmd = fresh.epmd.take();
        self.nodes = std::mem::take(&mut fresh.nodes);
        Ok(())
    }

    /// End every process we started, by PID.
    pub fn shutdown(&mut self) {
        for (i, slot) in self.nodes.iter_mut().enumerate() {
            if let Some(mut c) = slot.take() {
                log(&format!(
                    "kill -9 {} (pid {})",
                    node_name(i as u32 + 1),
                    c.id()
                ));
                let _ = c.kill();
                let _ = c.wait();
            }
        }
        if let Some(mut c) = self.epmd.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        self.write_pids();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.shutdown();
        if !self.keep_dir {
            let _ = fs::remove_dir_all(&self.base);
        }
    }
}

/// One tab-separated row of `list_queues`: lists (`[a, b]`) become arrays of strings.
fn parse_row(columns: &[&str], line: &str) -> Option<Value> {
    let cells: Vec<&str> = line.split('\t').collect();
    if cells.len() != columns.len() {
        return None;
    }
    let mut obj = serde_json::Map::new();
    for (c, v) in columns.iter().zip(cells) {
        let v = v.trim();
        let value = match v.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
            Some(inner) => Value::Array(
                inner
                    .split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(|x| Value::String(x.to_string()))
                    .collect(),
            ),
            None if v.is_empty() => Value::Null,
            None => Value::String(v.to_string()),
        };
        obj.insert(c.to_string(), value);
    }
    Some(Value::Object(obj))
}

/// Node name of an Erlang pid as rabbitmqctl prints it: `<rabbit2@localhost.1669.550.0>`.
pub fn pid_node(pid: &str) -> Option<String> {
    let s = pid.trim().trim_start_matches('<');
    let at = s.find('@')?;
    let rest = &s[at + 1..];
    let host_end = rest.find('.').unwrap_or(rest.len());
    Some(format!("{}@{}", &s[..at], &rest[..host_end]))
}

/// `rabbit2@localhost` → `rabbit-2`.
pub fn scenario_node(erlang_node: &str) -> Option<String> {
    let n: u32 = erlang_node
        .strip_prefix("rabbit")?
        .split('@')
        .next()?
        .parse()
        .ok()?;
    Some(format!("rabbit-{n}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pids_name_their_node() {
        assert_eq!(
            pid_node("<rabbit2@localhost.1669.550.0>").as_deref(),
            Some("rabbit2@localhost")
        );
        assert_eq!(
            scenario_node("rabbit3@localhost").as_deref(),
            Some("rabbit-3")
        );
        assert_eq!(node_index("rabbit-2"), Some(2));
        assert_eq!(node_index("billing"), None);
        let row = parse_row(
            &["name", "pid", "slave_pids", "leader"],
            "orders\t<rabbit1@localhost.1.2.0>\t[<rabbit2@localhost.3.4.0>, <rabbit3@localhost.5.6.0>]\t",
        )
        .unwrap();
        assert_eq!(row["name"], "orders");
        assert_eq!(row["slave_pids"].as_array().unwrap().len(), 2);
        assert!(row["leader"].is_null());
    }
}
