//! Lesson files, fetched when a lesson is opened: the first load carries only the lesson
//! map's cards (`mqlab_scenario::lesson::card`), not the lessons' text. A file is read from
//! `lessons/<id>.json` beside the page and kept for the rest of the visit; the service worker
//! caches every lesson when it installs, so they open offline too.

use mqlab_scenario::Text;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

type Fetched = Result<Rc<str>, Text>;

thread_local! {
    /// (lesson id, its text or why it could not be had), in the order they arrived.
    static FILES: RefCell<Vec<(String, Fetched)>> = const { RefCell::new(Vec::new()) };
}

/// The lesson's file if it has arrived; a failure is handed over once (and forgotten, so the
/// next opening tries again). `None`: not fetched yet.
pub fn take(id: &str) -> Option<Fetched> {
    FILES.with(|files| {
        let mut files = files.borrow_mut();
        let at = files.iter().position(|(have, _)| have == id)?;
        match &files[at].1 {
            Ok(text) => Some(Ok(text.clone())),
            Err(_) => Some(files.remove(at).1),
        }
    })
}

/// Why a lesson's file could not be had.
enum Failure {
    /// No answer: offline, or the request was refused on the way.
    Network,
    /// The server answered with this HTTP status.
    Status(u16),
}

impl Failure {
    fn said(&self, id: &str) -> Text {
        let (en, zh) = match self {
            Failure::Network => ("no network answer".to_string(), "网络无响应".to_string()),
            Failure::Status(code) => (format!("HTTP {code}"), format!("HTTP {code}")),
        };
        Text {
            en: format!(
                "The lesson \"{id}\" could not be loaded ({en}). Check the connection and open it again."
            ),
            zh: format!("课程 \"{id}\" 加载失败（{zh}）。请检查网络连接后重新打开。"),
        }
    }
}

/// Fetches the lesson's file, then calls `done` (whatever the result: `take` says it).
pub fn fetch(id: String, done: impl FnOnce() + 'static) {
    wasm_bindgen_futures::spawn_local(async move {
        let fetched = read(&id).await.map(Rc::from).map_err(|why| why.said(&id));
        FILES.with(|files| {
            let mut files = files.borrow_mut();
            files.retain(|(have, _)| *have != id);
            files.push((id, fetched));
        });
        done();
    });
}

/// The text of `lessons/<id>.json`.
async fn read(id: &str) -> Result<String, Failure> {
    let window = web_sys::window().ok_or(Failure::Network)?;
    let url = format!("lessons/{id}.json");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .ok()
        .and_then(|r| r.dyn_into().ok())
        .ok_or(Failure::Network)?;
    if !response.ok() {
        return Err(Failure::Status(response.status()));
    }
    let body = response.text().map_err(|_| Failure::Network)?;
    // A body cut off on the way is a network failure too.
    let text = JsFuture::from(body).await.map_err(|_| Failure::Network)?;
    text.as_string().ok_or(Failure::Network)
}

/// For the state's tests: every shipped lesson's file as if fetched.
#[cfg(test)]
pub fn keep_shipped() {
    FILES.with(|files| {
        let mut files = files.borrow_mut();
        files.clear();
        for (id, text) in mqlab_scenario::lesson::lesson_sources() {
            files.push((id.to_string(), Ok(Rc::from(*text))));
        }
    });
}
