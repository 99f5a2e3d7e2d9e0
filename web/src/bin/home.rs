//! The home page's module: the lesson map alone, handing over to the playground's module
//! when another page is opened (see `mqlab_web::home`).

fn main() {
    mqlab_web::home::start();
}
