//! `mqlab explore FILE`: the counterexample search from the command line, with the same
//! result as the page's "Find a failure" for the same scenario, seed and bounds.

use mqlab_scenario::explore::{without_faults, Bounds, Explorer, Outcome, Property};
use mqlab_scenario::{Lang, ScenarioDoc};

use crate::{lang_arg, USAGE};

pub fn explore(args: &[String]) -> Result<(), String> {
    let mut file = None;
    let mut property = Property::LostAcked;
    let mut bounds = Bounds::default();
    let mut seed = None;
    let mut keep_faults = false;
    let mut out = None;
    let mut lang = Lang::En;
    let mut it = args.iter();
    let number = |flag: &str, value: Option<&String>| -> Result<u64, String> {
        let v = value.ok_or(format!("{flag} needs a number"))?;
        v.parse::<u64>()
            .map_err(|_| format!("{flag}: \"{v}\" is not a whole number"))
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--property" => {
                let key = it.next().map(String::as_str).unwrap_or("");
                property = Property::from_key(key).ok_or_else(|| {
                    let keys: Vec<_> = Property::ALL.iter().map(|p| p.key()).collect();
                    format!("--property: \"{key}\" is not one of {}", keys.join(", "))
                })?;
            }
            "--faults" => {
                bounds.faults = u32::try_from(number(arg, it.next())?).unwrap_or(u32::MAX)
            }
            "--moments" => {
                bounds.moments = u32::try_from(number(arg, it.next())?).unwrap_or(u32::MAX)
            }
            "--runs" => bounds.runs = number(arg, it.next())?,
            "--seed" => seed = Some(number(arg, it.next())?),
            "--keep-faults" => keep_faults = true,
            "--doc" => out = Some(it.next().ok_or("--doc needs a file name")?.clone()),
            "--lang" => lang = lang_arg(it.next())?,
            other if file.is_none() && !other.starts_with("--") => file = Some(other.to_string()),
            other => return Err(format!("unexpected argument \"{other}\"\n{USAGE}")),
        }
    }
    let path = file.ok_or(USAGE)?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: cannot read: {e}"))?;
    let mut doc = ScenarioDoc::parse(&text).map_err(|e| format!("{path}: {e}"))?;
    if let Some(seed) = seed {
        doc.seed = seed;
    }
    if !keep_faults {
        doc = without_faults(&doc);
    }
    let zh = lang == Lang::Zh;
    let mut explorer = Explorer::new(doc, property, bounds).map_err(|e| format!("{path}: {e}"))?;
    let outcome = loop {
        match explorer.run(2000) {
            Outcome::Searching(p) => eprintln!(
                "{} {} / {} {}",
                if zh { "已运行" } else { "runs" },
                p.runs,
                p.budget,
                if zh {
                    format!("（{} 个故障：{} / {}）", p.faults, p.tried, p.schedules)
                } else {
                    format!(
                        "({} faults: {} of {} schedules)",
                        p.faults, p.tried, p.schedules
                    )
                }
            ),
            done => break done,
        }
    };
    match outcome {
        Outcome::Found(c) => {
            let property = property.label();
            if zh {
                outln!("找到反例（运行 {} 次）：「{}」", c.runs, property.zh);
            } else {
                outln!(
                    "found a counterexample after {} runs: {}",
                    c.runs,
                    property.en
                );
            }
            if c.faults.is_empty() {
                outln!(
                    "  {}",
                    if zh {
                        "无需任何故障：场景本身就会这样"
                    } else {
                        "no fault needed: the scenario does it as it is"
                    }
                );
            }
            for f in &c.faults {
                outln!("  {}", f.describe().get(lang));
            }
            let t = format!("{}.{:03}", c.time_ms / 1000, c.time_ms % 1000);
            let victim = c.victim.as_deref().unwrap_or("?");
            if zh {
                outln!(
                    "  从第 {} 步（{t} 秒）起：{victim}（共 {} 条消息）",
                    c.step,
                    c.victims
                );
            } else {
                outln!(
                    "  from step {} (t = {t} s): {victim} ({} messages in all)",
                    c.step,
                    c.victims
                );
            }
            if let Some(out) = out {
                let json = c.doc.to_json_pretty();
                std::fs::write(&out, json + "\n").map_err(|e| format!("{out}: {e}"))?;
                outln!(
                    "  {} {out}",
                    if zh {
                        "场景已写入"
                    } else {
                        "scenario written to"
                    }
                );
            }
        }
        Outcome::Exhausted { summary, .. } => outln!("{}", summary.get(lang)),
        Outcome::Searching(_) => {}
    }
    Ok(())
}
