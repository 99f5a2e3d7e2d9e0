//! Printing that ends quietly when the reader goes away: `mqlab run … | head -1` closes the
//! pipe, and a closed pipe is the reader's choice, not an error (println! would panic).

use std::io::Write;

/// Write one line to stdout; on a closed pipe, exit 0 at once.
pub fn line(args: std::fmt::Arguments) {
    let mut out = std::io::stdout().lock();
    let result = out.write_fmt(args).and_then(|()| out.write_all(b"\n"));
    if let Err(e) = result {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        // Any other failure to print (a full disk) is reported once, and ends the run.
        let _ = writeln!(std::io::stderr(), "cannot print: {e}");
        std::process::exit(1);
    }
}

/// `println!` for the command line's output.
macro_rules! outln {
    () => { $crate::out::line(format_args!("")) };
    ($($arg:tt)*) => { $crate::out::line(format_args!($($arg)*)) };
}

/// A section of a run's summary: a blank line, then its title in the reader's language.
pub fn section(zh: bool, zh_title: &str, en_title: &str) {
    outln!();
    outln!("== {} ==", if zh { zh_title } else { en_title });
}
